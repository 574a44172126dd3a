using System.Text.RegularExpressions;

namespace Hotline.Tests.Telephony;

/// <summary>
/// A silo told to stop (SIGTERM, as Kubernetes does on a rolling update) with <c>Hotline:Silo:DrainSeconds</c>: its edge
/// refuses new calls with 503 at once, so that the SIP balancer tries another silo, and lets the call in progress talk to
/// its end before the silo goes (Silo/Hosting/CallDrain.cs).
/// </summary>
public sealed partial class CallDrainTests
{
    [Fact]
    public async Task A_stopping_silo_refuses_new_calls_and_lets_the_call_in_progress_finish()
    {
        await using var db = await TestDatabase.CreateAsync("drain");
        var edge = HotlineProcess.FreePort();
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort(),
            "--Hotline:Silo:DrainSeconds=60",
            $"--Hotline:Telephony:SipPort={edge}",
            "--Hotline:Telephony:RtpPortMin=46000", "--Hotline:Telephony:RtpPortMax=46999",
            $"--Hotline:Telephony:RecordingsPath={Directory.CreateTempSubdirectory("hotline-recordings-").FullName}");
        await silo.WaitReadyAsync();
        var target = $"127.0.0.1:{edge}";
        // The caller talks 8 s, then hangs up: sipp sends BYE and needs the 200, so the edge must still carry the call.
        var talking = Sipp.RunAsync(target, new SippScenario().Pause(TimeSpan.FromSeconds(8)).ToXml("talking"), timeout: TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => Task.FromResult(ArrivalLine().IsMatch(silo.Output)), "the call arrives at the edge");

        silo.Terminate();
        await Eventually.HoldsAsync(() => Task.FromResult(silo.Output.Contains("Telephony edge draining", StringComparison.Ordinal)), "the edge drains");
        var refused = await Sipp.RunAsync(target, SippRawScenarios.InviteRefused(503), timeout: TimeSpan.FromSeconds(30));

        Assert.True(refused.ExitCode == 0, $"a new call gets 503 while the silo drains\n{refused}\n--- silo ---\n{silo.Output}");
        var talked = await talking;
        Assert.True(talked.ExitCode == 0, $"the call in progress talked to its end\n{talked}\n--- silo ---\n{silo.Output}");
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the silo stops once its calls ended");
        Assert.Contains("Drained: every call on this silo's edge has ended", silo.Output);
        Assert.Equal(1, ArrivalLine().Count(silo.Output));
    }

    [GeneratedRegex(@"Call \S+ arrives from")]
    private static partial Regex ArrivalLine();
}
