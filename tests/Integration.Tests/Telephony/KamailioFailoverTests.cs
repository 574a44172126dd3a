using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hotline.Tests.Telephony;

/// <summary>
/// The deployment in <c>deploy/kamailio/</c> as it runs: two silo processes, each with its SIP edge, behind the real
/// Kamailio with the repository's own configuration. Calls to the one number are spread over both edges; after
/// one silo is killed, every new call is still answered, by the survivor.
/// </summary>
public sealed partial class KamailioFailoverTests
{
    [Fact]
    public async Task Kamailio_spreads_calls_over_both_silos_and_sends_every_call_to_the_survivor_when_one_dies()
    {
        await using var db = await TestDatabase.CreateAsync("kam");
        var edgeA = HotlineProcess.FreePort();
        var edgeB = HotlineProcess.FreePort();
        await using var siloA = StartSilo(db, edgeA, rtpMin: 42000);
        await using var siloB = StartSilo(db, edgeB, rtpMin: 44000);
        await Task.WhenAll(siloA.WaitReadyAsync(), siloB.WaitReadyAsync());
        var balancerPort = HotlineProcess.FreePort();
        await using var kamailio = await Kamailio.StartAsync(balancerPort, [edgeA, edgeB]);
        var target = $"127.0.0.1:{balancerPort}";
        // The welcome is longer than the call: only the answer and the BYE through the proxy matter here.
        var shortCall = new SippScenario().Pause(TimeSpan.FromSeconds(1)).ToXml("balanced");

        var before = await Sipp.RunAsync(target, shortCall, calls: 6, ratePerSecond: 3, timeout: TimeSpan.FromSeconds(60));

        Assert.True(before.ExitCode == 0, $"{before}\n--- kamailio ---\n{kamailio.OutputTail(6000)}");
        Assert.True(Arrivals(siloA) > 0 && Arrivals(siloB) > 0,
            $"both edges took calls (A {Arrivals(siloA)}, B {Arrivals(siloB)})\n--- kamailio ---\n{kamailio.OutputTail(6000)}");

        siloA.Kill();
        var survivorBefore = Arrivals(siloB);
        var after = await Sipp.RunAsync(target, shortCall, calls: 6, ratePerSecond: 2, timeout: TimeSpan.FromSeconds(90));

        Assert.True(after.ExitCode == 0,
            $"every call after the kill was answered\n{after}\n--- kamailio ---\n{kamailio.OutputTail(6000)}\n--- survivor ---\n{Tail(siloB.Output)}");
        Assert.Equal(6, Arrivals(siloB) - survivorBefore);
    }

    private static HotlineProcess StartSilo(TestDatabase db, int sipPort, int rtpMin) =>
        HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort(),
            $"--Hotline:Telephony:SipPort={sipPort}",
            $"--Hotline:Telephony:RtpPortMin={rtpMin}", $"--Hotline:Telephony:RtpPortMax={rtpMin + 999}",
            $"--Hotline:Telephony:RecordingsPath={Directory.CreateTempSubdirectory("hotline-recordings-").FullName}");

    private static string Tail(string log) => log.Length > 8000 ? log[^8000..] : log;

    /// <summary>Calls this silo's edge took (its log line for each arriving call).</summary>
    private static int Arrivals(HotlineProcess silo) => ArrivalLine().Count(silo.Output);

    [GeneratedRegex(@"Call \S+ arrives from")]
    private static partial Regex ArrivalLine();

    /// <summary>Kamailio (Debian's package, installed by ./test.sh) with deploy/kamailio/kamailio.cfg and a list of these edges.</summary>
    private sealed class Kamailio : ToolProcess
    {

        private Kamailio(Process process, DirectoryInfo folder)
            : base(process, folder)
        {
        }


        public static async Task<Kamailio> StartAsync(int port, int[] edges)
        {
            var folder = Directory.CreateTempSubdirectory("hotline-kamailio-");
            var list = Path.Combine(folder.FullName, "dispatcher.list");
            await File.WriteAllLinesAsync(list, edges.Select((p, i) => $"1 sip:127.0.0.1:{p} 0 0 name=silo-{i}"));
            var info = new ProcessStartInfo("kamailio")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in new[]
            {
                "-DD", "-E", "-f", Path.Combine(HotlineProcess.RepositoryRoot, "deploy", "kamailio", "kamailio.cfg"),
                "-A", $"LISTEN=udp:127.0.0.1:{port}", "-A", $"DISPATCHER_LIST=\"{list}\"", "-A", $"RUN_DIR=\"{folder.FullName}\"",
            }) info.ArgumentList.Add(a);
            var kamailio = new Kamailio(Process.Start(info) ?? throw new InvalidOperationException("could not start kamailio"), folder);
            // Its first OPTIONS round tells it both edges are up.
            await Eventually.HoldsAsync(() => Task.FromResult(kamailio.Child.HasExited || kamailio.Output.Contains("Listening on")),
                "kamailio listens", TimeSpan.FromSeconds(15));
            if (kamailio.Child.HasExited) throw new InvalidOperationException($"kamailio stopped at once:\n{kamailio.OutputTail(6000)}");
            return kamailio;
        }


    }
}
