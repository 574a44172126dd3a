using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>The outcome of one sipp run: its exit code, the FailedCall(C) and SuccessfulCall(C) counters of
/// <c>-trace_stat</c>, and its output for the failure message.</summary>
internal sealed record SippResult(int ExitCode, long SuccessfulCalls, long FailedCalls, string Output)
{
    public override string ToString() => $"sipp exit {ExitCode}, successful {SuccessfulCalls}, failed {FailedCalls}\n{Output}";
}

/// <summary>Runs the real sipp against an edge, in its own temporary folder (sipp writes its files into the
/// current folder).</summary>
internal static class Sipp
{
    public const string Path = "/usr/bin/sipp";

    public static async Task<SippResult> RunAsync(IPEndPoint edge, string scenario, string service, int calls, int rate,
        TimeSpan timeout, params string[] extra)
    {
        var dir = Directory.CreateTempSubdirectory("sipp-");
        try
        {
            var args = new List<string>
            {
                $"{edge.Address}:{edge.Port}", "-i", "127.0.0.1", "-s", service, "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-nostdin", "-trace_stat", "-stf", "stat.csv",
                "-trace_err", "-timeout", $"{(int)timeout.TotalSeconds}s", "-timeout_error", "-mp", FreeMediaPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (scenario.StartsWith('<'))
            {
                await File.WriteAllTextAsync(System.IO.Path.Combine(dir.FullName, "scenario.xml"), scenario);
                args.AddRange(["-sf", "scenario.xml"]);
            }
            else
            {
                args.AddRange(["-sn", scenario]);
            }
            args.AddRange(extra);
            var psi = new ProcessStartInfo(Path)
            {
                WorkingDirectory = dir.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var process = Process.Start(psi)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            var (ok, failed) = ReadStats(dir.FullName);
            var errors = string.Join("\n", Directory.GetFiles(dir.FullName, "*errors.log").Select(File.ReadAllText));
            var output = (await stdout).Length > 3000 ? (await stdout)[^3000..] : await stdout;
            return new SippResult(process.ExitCode, ok, failed, output + "\n" + await stderr + "\n" + (errors.Length > 4000 ? errors[..4000] : errors));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (long Ok, long Failed) ReadStats(string dir)
    {
        var file = System.IO.Path.Combine(dir, "stat.csv");
        if (!File.Exists(file))
        {
            return (-1, -1);
        }
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2)
        {
            return (-1, -1);
        }
        var header = lines[0].Split(';');
        var last = lines[^1].Split(';');
        long Column(string name)
        {
            var i = Array.IndexOf(header, name);
            return i >= 0 && i < last.Length && long.TryParse(last[i], out var v) ? v : -1;
        }
        return (Column("SuccessfulCall(C)"), Column("FailedCall(C)"));
    }

    /// <summary>An even UDP port nobody holds right now, for sipp's media socket.</summary>
    private static int FreeMediaPort()
    {
        for (var i = 0; i < 50; i++)
        {
            var port = 52000 + (Random.Shared.Next(0, 2000) * 2); // clear of every media engine range the tests use
            try
            {
                using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                using var b = new UdpClient(new IPEndPoint(IPAddress.Loopback, port + 2));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        return 6000;
    }
}
