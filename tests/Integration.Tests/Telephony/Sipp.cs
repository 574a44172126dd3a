using System.Diagnostics;

namespace Hotline.Tests.Telephony;

/// <summary>What a sipp run came to: its exit code (0 every call succeeded, 1 some failed) and its call counters.</summary>
public sealed record SippResult(int ExitCode, int SuccessfulCalls, int FailedCalls, string Output)
{
    public override string ToString() => $"sipp exit {ExitCode}, {SuccessfulCalls} succeeded, {FailedCalls} failed\n{Output}";
}

/// <summary>Runs the real sipp (Debian's sip-tester, installed by ./test.sh) in a scratch folder.</summary>
public static class Sipp
{
    public static async Task<SippResult> RunAsync(string target, string scenarioXml, int calls = 1, int ratePerSecond = 1,
        int concurrent = 0, TimeSpan? timeout = null, string service = "12345")
    {
        var folder = Directory.CreateTempSubdirectory("hotline-sipp-");
        try
        {
            var scenario = Path.Combine(folder.FullName, "scenario.xml");
            await File.WriteAllTextAsync(scenario, scenarioXml);
            var info = new ProcessStartInfo("sipp")
            {
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            string[] arguments =
            [
                target, "-sf", scenario, "-s", service, "-m", calls.ToString(), "-r", ratePerSecond.ToString(),
                "-i", "127.0.0.1", "-p", HotlineProcess.FreePort().ToString(), "-mi", "127.0.0.1", "-mp", FreeEvenPort().ToString(),
                "-trace_stat", "-stf", "stat.csv", "-fd", "1", "-nostdin", "-trace_err",
            ];
            foreach (var a in arguments) info.ArgumentList.Add(a);
            if (concurrent > 0)
            {
                info.ArgumentList.Add("-l");
                info.ArgumentList.Add(concurrent.ToString());
            }
            info.ArgumentList.Add("-timeout");
            info.ArgumentList.Add($"{(int)(timeout ?? TimeSpan.FromSeconds(90)).TotalSeconds}s");
            info.ArgumentList.Add("-timeout_error");

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start sipp");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = (await stdout) + (await stderr);
            // sipp explains a failed call in its error log, not on the screen.
            foreach (var log in folder.GetFiles("*_errors.log"))
                output = $"{await File.ReadAllTextAsync(log.FullName)}\n{output}";
            var (ok, failed) = ReadCounters(Path.Combine(folder.FullName, "stat.csv"));
            return new SippResult(process.ExitCode, ok, failed, output.Length > 6000 ? output[..6000] : output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The last line of sipp's statistics file: SuccessfulCall(C) and FailedCall(C).</summary>
    private static (int Ok, int Failed) ReadCounters(string csv)
    {
        if (!File.Exists(csv)) return (0, 0);
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) return (0, 0);
        var header = lines[0].Split(';');
        var last = lines[^1].Split(';');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 && i < last.Length && int.TryParse(last[i], out var v) ? v : 0;
        return (Column("SuccessfulCall(C)"), Column("FailedCall(C)"));
    }

    private static int FreeEvenPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(16000, 19998) & ~1;
            try
            {
                using var rtp = new System.Net.Sockets.UdpClient(port);
                using var rtcp = new System.Net.Sockets.UdpClient(port + 1);
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free even UDP port for sipp's media");
    }
}
