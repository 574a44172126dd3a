using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Sip;
using Spectre.Console;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>sip</c>: real SIP calls from sipp into the hotline's SIP edge (IVR, then the queue) at a rate; sipp's own
/// statistics (calls created, succeeded, failed, INVITE→200 response time, call length) go into the report.
/// The edge must already answer at <c>--sip</c>: with nothing there the run stops with one line.
/// </summary>
public sealed class SipScenario : IScenario
{
    public string Name => "sip";
    public string Summary => "sipp-driven SIP calls into the SIP edge (--sip host:port) at a rate, sipp's statistics in the report";
    public string Usage => """
          --sip HOST:PORT          the hotline's SIP edge (default 127.0.0.1:5060)
          --rate N                 calls per second sipp places (default 10)
          --duration D             how long calls are placed (default 60s)
          --hold D                 how long each call stays up after the answer (default 5s)
          --scenario FILE          a sipp scenario XML instead of sipp's built-in `uac` (e.g. one that sends DTMF into the IVR)
          --sipp PATH              the sipp executable (default sipp from PATH)
        """;

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var sipText = options.String("sip", "127.0.0.1:5060")!;
        var rate = options.Double("rate", 10, min: 0.01, max: 10_000);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(60), min: TimeSpan.FromSeconds(1));
        var hold = options.Duration("hold", TimeSpan.FromSeconds(5));
        var scenarioFile = options.String("scenario");
        var sipp = options.String("sipp", "sipp")!;
        options.EnsureAllRead();
        if (!IPEndPoint.TryParse(sipText, out var target) || target.Port == 0)
            throw new UsageException($"--sip needs HOST:PORT with an IP address, not '{sipText}'.");

        var report = new Report { Scenario = Name, Command = context.Command, StartedAt = context.Time.GetUtcNow(), Machine = MachineInfo.Current() };
        report.Parameters["sip"] = target.ToString();
        report.Parameters["rate"] = rate.ToString(CultureInfo.InvariantCulture);
        report.Parameters["duration"] = Durations.Format(duration);
        report.Parameters["hold"] = Durations.Format(hold);
        report.Parameters["scenario"] = scenarioFile ?? "sipp built-in uac";

        var answer = await SipProbe.OptionsAsync(target, TimeSpan.FromSeconds(3), cancellationToken);
        if (answer is null)
            throw new ScenarioFailedException($"nothing answers SIP at {target} (no reply to OPTIONS over UDP within 3 s): start the hotline's SIP edge there, or give --sip HOST:PORT.");
        Say($"{target} answers OPTIONS: {answer}");

        var calls = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var work = Directory.CreateTempSubdirectory("hotline-sipp-");
        try
        {
            // sipp writes its files into the working folder; -trace_stat/-stf give the statistics, -trace_rtt INVITE→200 times.
            // -r counts calls per -rp milliseconds: tenths of a call per second over 10 s keeps fractional rates.
            List<string> args = [target.ToString(), "-r", Math.Max(1, (long)Math.Round(rate * 10)).ToString(CultureInfo.InvariantCulture), "-rp", "10000", "-m", calls.ToString(CultureInfo.InvariantCulture),
                "-d", ((long)hold.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "-trace_stat", "-stf", "stats.csv", "-fd", "1",
                "-trace_rtt", "-rtt_freq", "1", "-nostdin", "-timeout", ((int)(duration + hold).TotalSeconds + 60).ToString(CultureInfo.InvariantCulture) + "s", "-timeout_error"];
            if (scenarioFile is not null) args.AddRange(["-sf", Path.GetFullPath(scenarioFile)]);
            else args.AddRange(["-sn", "uac"]);
            Say($"sipp: {calls} calls at {rate}/s, each held {Durations.Format(hold)}…");
            var started = Stopwatch.GetTimestamp();
            var info = new ProcessStartInfo(sipp) { WorkingDirectory = work.FullName, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info) ?? throw new ScenarioFailedException($"cannot start {sipp}");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            while (!process.HasExited)
            {
                await Task.WhenAny(process.WaitForExitAsync(cancellationToken), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
                var csv = Path.Combine(work.FullName, "stats.csv");
                if (File.Exists(csv) && SippStats.LastRow(await ReadSharedAsync(csv)) is { Count: > 0 } row)
                    Console.WriteLine($"[sip] elapsed {Stopwatch.GetElapsedTime(started).TotalSeconds:0}s  created {row.GetValueOrDefault("TotalCallCreated")}  in flight {row.GetValueOrDefault("CurrentCall")}  ok {row.GetValueOrDefault("SuccessfulCall(C)")}  failed {row.GetValueOrDefault("FailedCall(C)")}");
            }
            await process.WaitForExitAsync(cancellationToken);
            var exit = process.ExitCode;
            await stdout;
            var err = await stderr;

            var statsFile = Path.Combine(work.FullName, "stats.csv");
            var stats = File.Exists(statsFile) ? SippStats.LastRow(await ReadSharedAsync(statsFile)) : new Dictionary<string, string>();
            var t = report.AddTable("sipp", "figure", "From sipp's -trace_stat CSV (cumulative columns) and its exit code (0 all calls succeeded, 1 some failed, 97 timeout, 99 no call).");
            t.AddRow("sipp_exit_code").Set("value", exit);
            foreach (var column in new[] { "TotalCallCreated", "SuccessfulCall(C)", "FailedCall(C)", "CallRate(C)", "Retransmissions(C)", "FailedCannotSendMessage(C)", "FailedMaxUDPRetrans(C)", "FailedUnexpectedMessage(C)", "FailedCallRejected(C)" })
                if (SippStats.Number(stats, column) is { } v) t.AddRow(column).Set("value", v);
            var rtt = SippStats.Duration(stats, "ResponseTime1(C)");
            var length = SippStats.Duration(stats, "CallLength(C)");
            if (rtt is { } r) t.AddRow("mean_invite_to_answer_ms").Set("value", Math.Round(r, 1));
            if (length is { } l) t.AddRow("mean_call_length_ms").Set("value", Math.Round(l, 1));
            var failed = (int)(SippStats.Number(stats, "FailedCall(C)") ?? 0);
            report.Operations["sip_invite_to_answer"] = new OperationFigures { Count = (long)(SippStats.Number(stats, "SuccessfulCall(C)") ?? 0), P50 = rtt ?? 0, Lost = failed };
            report.Notes.Add("sipp reports means, not percentiles: sip_invite_to_answer carries sipp's mean INVITE→200 time in p50; lost = sipp's FailedCall(C).");
            if (exit != 0 && err.Trim().Length > 0) report.Notes.Add("sipp: " + err.Trim().Split('\n').Last());
            report.FinishedAt = context.Time.GetUtcNow();
            CallsScenario.Show(report);
            return report;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static void Say(string message) => AnsiConsole.MarkupLine($"[grey]sip[/] {Markup.Escape(message)}");
}
