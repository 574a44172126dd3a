using System.Diagnostics;
using System.Net;
using Hotline.Telephony.Media;
using Xunit.Abstractions;
using static Hotline.Telephony.Tests.Media.MediaTestKit;

namespace Hotline.Telephony.Tests.Media;

/// <summary>
/// How many streams the pacing loop keeps on time. Runs only when MEDIA_BENCH is set (a figure, not a pass/fail
/// test): <c>MEDIA_BENCH=100,500,1000 dotnet test tests/Telephony.Tests --filter MediaBenchmark
/// --logger "console;verbosity=detailed"</c>. Streams are paired on 127.0.0.1 and both ends of each pair play,
/// so every stream sends and receives 50 packets/s as a call leg does.
/// </summary>
public sealed class MediaBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact("MEDIA_BENCH")]
    public async Task Send_lateness_by_number_of_playing_streams()
    {
        var levels = Environment.GetEnvironmentVariable("MEDIA_BENCH")!;
        var seconds = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("MEDIA_BENCH_SECONDS") ?? "5"));
        var clip = AudioClip.Tone(425, TimeSpan.FromSeconds(1), 6000);
        output.WriteLine("streams  sent/s  recv/s  lateness p50/p99/max ms  skipped ticks  cpu % of one core");
        foreach (int count in levels.Split(',').Select(int.Parse))
        {
            await using var engine = new MediaEngine(new MediaEngineOptions
            {
                BindAddress = IPAddress.Loopback,
                PortMin = 42000,
                PortMax = 42000 + 2 * count + 200,
            });
            var streams = Enumerable.Range(0, count).Select(_ => engine.OpenStream()).ToArray();
            for (int i = 0; i + 1 < count; i += 2)
            {
                streams[i].Start(streams[i + 1].LocalEndPoint, Pcmu());
                streams[i + 1].Start(streams[i].LocalEndPoint, Pcmu());
                streams[i].PlayLoop(clip);
                streams[i + 1].PlayLoop(clip);
            }
            // Ramp-up: let every stream latch and the pool warm up before measuring.
            await Task.Delay(TimeSpan.FromSeconds(1));
            engine.ResetLatenessStats();
            var before = engine.GetStats();
            long skippedBefore = engine.TicksSkipped;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.Delay(seconds);
            var after = engine.GetStats();
            double elapsed = clock.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / elapsed * 100;
            output.WriteLine(
                $"{count,7}  {(after.PacketsSent - before.PacketsSent) / elapsed,6:F0}  {(after.PacketsReceived - before.PacketsReceived) / elapsed,6:F0}" +
                $"  {after.SendLatenessP50Ms:F2} / {after.SendLatenessP99Ms:F2} / {after.SendLatenessMaxMs:F2}" +
                $"  {engine.TicksSkipped - skippedBefore,13}  {cpu,5:F0}");
        }
    }
}
