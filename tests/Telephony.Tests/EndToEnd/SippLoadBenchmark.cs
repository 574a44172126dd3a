using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;
using Xunit.Abstractions;

namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>
/// Call rate the edge sustains with sipp's built-in uac (answer, RTP from our side, sipp's BYE). Runs only when
/// SIPP_LOAD is set (a figure, not a pass/fail test): <c>SIPP_LOAD=2000,100,1000 dotnet test tests/Telephony.Tests
/// --filter SippLoadBenchmark --logger "console;verbosity=detailed"</c> (calls, calls per second, hold time in ms).
/// </summary>
public sealed class SippLoadBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact("SIPP_LOAD")]
    public async Task Call_rate_with_sipp_uac()
    {
        var spec = Environment.GetEnvironmentVariable("SIPP_LOAD")!;
        var parts = spec.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var (calls, rate, holdMs) = (parts[0], parts[1], parts.Length > 2 ? parts[2] : 1000);
        await using var media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 44000, PortMax = 51999 });
        await using var edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0 }, media, new EndToEndHandler());
        await edge.StartAsync(CancellationToken.None);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var r = await Sipp.RunAsync(edge.LocalEndPoint, "uac", "service", calls, rate, TimeSpan.FromSeconds((calls / rate) + 60),
            "-d", holdMs.ToString(CultureInfo.InvariantCulture));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / elapsed * 100;
        var stats = edge.GetStats();
        var mediaStats = media.GetStats();
        output.WriteLine($"sipp -sn uac -m {calls} -r {rate} -d {holdMs}: exit {r.ExitCode}, successful {r.SuccessfulCalls}, failed {r.FailedCalls}");
        output.WriteLine($"elapsed {elapsed:F1} s, edge process CPU {cpu:F0} % of one core");
        output.WriteLine($"edge: {stats}");
        output.WriteLine($"media: {mediaStats}");
    }
}
