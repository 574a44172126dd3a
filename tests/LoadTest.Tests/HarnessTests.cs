using System.Text.Json;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Scenarios;
using Hotline.LoadTest.Sip;
using Hotline.LoadTest.Tickets;

namespace Hotline.Tests;

public sealed class HarnessTests
{
    private static CommandLine Args(params string[] args) => CommandLine.Parse(args);
    private static string? NoEnvironment(string _) => null;

    [Fact]
    public void By_default_the_harness_starts_one_silo_and_its_own_postgresql_on_55443()
    {
        var o = HarnessOptions.Parse(Args(), NoEnvironment);
        Assert.True(o.StartsHotline);
        Assert.Equal(1, o.Silos);
        Assert.Equal(55443, o.PgPort);
        Assert.True(o.Api);
        Assert.Null(o.KillSiloAt);
    }

    [Fact]
    public void The_postgresql_port_comes_from_the_environment_when_not_given() =>
        Assert.Equal(55447, HarnessOptions.Parse(Args(), n => n == HarnessOptions.PgPortVariable ? "55447" : null).PgPort);

    [Fact]
    public void A_postgresql_url_target_becomes_a_connection_string()
    {
        var o = HarnessOptions.Parse(Args("--target", "postgresql://hotline:s%40cret@127.0.0.1:55432/hotline"), NoEnvironment);
        Assert.False(o.StartsHotline);
        var b = new Npgsql.NpgsqlConnectionStringBuilder(o.Target);
        Assert.Equal(("127.0.0.1", 55432, "hotline", "hotline", "s@cret"), (b.Host, b.Port, b.Database, b.Username, b.Password));
    }

    [Fact]
    public void Killing_a_silo_needs_a_second_silo_to_survive() =>
        Assert.Throws<UsageException>(() => HarnessOptions.Parse(Args("--kill-silo", "30s"), NoEnvironment));

    [Fact]
    public void Drills_cannot_run_against_a_hotline_the_harness_did_not_start() =>
        Assert.Throws<UsageException>(() => HarnessOptions.Parse(Args("--target", "postgresql://h:h@127.0.0.1:5432/h", "--restart-db", "10s"), NoEnvironment));

    [Fact]
    public void A_rolling_restart_is_read_with_its_start_and_named_in_the_run_parameters()
    {
        var o = HarnessOptions.Parse(Args("--silos", "3", "--rolling-restart", "20s"), NoEnvironment);
        var parameters = new Dictionary<string, string>();
        o.Describe(parameters);

        Assert.Equal(TimeSpan.FromSeconds(20), o.RollingRestartAt);
        Assert.Equal("20s", parameters["rolling_restart_at"]);
    }

    [Fact]
    public void A_rolling_restart_needs_a_second_silo_to_carry_the_calls() =>
        Assert.Throws<UsageException>(() => HarnessOptions.Parse(Args("--rolling-restart", "20s"), NoEnvironment));

    [Fact]
    public void A_rolling_restart_runs_alone_and_only_on_a_hotline_the_harness_started()
    {
        Assert.Throws<UsageException>(() => HarnessOptions.Parse(Args("--silos", "3", "--rolling-restart", "20s", "--kill-silo", "30s"), NoEnvironment));
        Assert.Throws<UsageException>(() => HarnessOptions.Parse(Args("--target", "postgresql://h:h@127.0.0.1:5432/h", "--rolling-restart", "10s"), NoEnvironment));
    }

    [Fact]
    public void Calls_defaults_are_a_small_call_centre_with_think_talk_wrap_up_and_impatient_callers()
    {
        var args = Args();
        var o = CallsOptions.Parse(args, drill: false);
        args.EnsureAllRead();
        Assert.Equal(20, o.Simulation.Rate);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Simulation.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.Simulation.Think);
        Assert.Equal(TimeSpan.FromMilliseconds(600), o.Simulation.Talk);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.Simulation.WrapUp);
        Assert.Equal(TimeSpan.FromSeconds(20), o.Simulation.Patience);
        Assert.Equal(0, o.TicketsRate);
        Assert.Equal(5, CallsOptions.Parse(Args(), drill: true).TicketsRate);
    }

    [Fact]
    public void Patience_of_zero_means_callers_wait_forever() =>
        Assert.Null(CallsOptions.Parse(Args("--patience", "0"), drill: false).Simulation.Patience);

    [Fact]
    public void Agents_end_their_own_wrap_up_and_the_queue_limit_only_catches_long_samples()
    {
        Assert.Equal(0, new Hotline.LoadTest.Enqueue.EnqueueOptions().WrapUpSeconds);
        Assert.Equal(1, new Hotline.LoadTest.Enqueue.EnqueueOptions { WrapUp = TimeSpan.FromMilliseconds(200) }.WrapUpSeconds);
        Assert.Equal(50, new Hotline.LoadTest.Enqueue.EnqueueOptions { WrapUp = TimeSpan.FromSeconds(10) }.WrapUpSeconds);
    }

    [Fact]
    public void The_hotline_day_peaks_mid_morning_and_mid_afternoon_and_is_quiet_at_night()
    {
        Assert.Equal(1.0, HotlineDay.ShareAt(9.0 / 24), 6);
        Assert.True(HotlineDay.ShareAt(15.0 / 24) > 0.85);
        Assert.True(HotlineDay.ShareAt(12.5 / 24) < HotlineDay.ShareAt(10.0 / 24));
        Assert.True(HotlineDay.ShareAt(3.0 / 24) < 0.05);
        Assert.InRange(HotlineDay.MeanShare, 0.3, 0.5);
    }

    [Fact]
    public void The_ticket_mix_picks_operations_by_their_weights()
    {
        Assert.Equal(1.0, TicketMix.Weights.Sum(), 9);
        Assert.Equal(0, TicketMix.Pick(0.0));
        Assert.Equal(0, TicketMix.Pick(0.279));
        Assert.Equal(1, TicketMix.Pick(0.28));
        Assert.Equal(4, TicketMix.Pick(0.999));
        var random = new Random(1);
        var counts = new int[5];
        for (var i = 0; i < 100_000; i++) counts[TicketMix.Pick(random.NextDouble())]++;
        Assert.InRange(counts[0] / 100_000.0, 0.27, 0.29);
    }

    [Fact]
    public void Sipp_statistics_are_read_from_the_last_row_of_its_csv()
    {
        const string csv = "StartTime;TotalCallCreated;SuccessfulCall(C);FailedCall(C);ResponseTime1(C);CallLength(C);\n" +
            "2026-11-23;0;0;0;00:00:00:000000;00:00:00:000000;\n" +
            "2026-11-23;100;98;2;00:00:00:012500;00:00:05:004000;\n";
        var row = SippStats.LastRow(csv);
        Assert.Equal(100, SippStats.Number(row, "TotalCallCreated"));
        Assert.Equal(2, SippStats.Number(row, "FailedCall(C)"));
        Assert.Equal(12.5, SippStats.Duration(row, "ResponseTime1(C)"));
        Assert.Equal(5004, SippStats.Duration(row, "CallLength(C)"));
        Assert.Null(SippStats.Number(row, "NoSuchColumn"));
    }

    [Fact]
    public async Task The_sip_scenario_stops_with_one_clear_line_when_nothing_answers_sip()
    {
        var port = LocalHotline.FreePort(); // a TCP port just freed: nothing listens for SIP on UDP there either
        var scenario = new SipScenario();
        var e = await Assert.ThrowsAsync<ScenarioFailedException>(() =>
            scenario.RunAsync(Args("--sip", $"127.0.0.1:{port}"), new ScenarioContext("sip", TimeProvider.System), CancellationToken.None));
        Assert.StartsWith($"nothing answers SIP at 127.0.0.1:{port}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_sip_options_probe_reads_the_status_line_of_a_peer_that_answers()
    {
        using var peer = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var endpoint = (System.Net.IPEndPoint)peer.Client.LocalEndPoint!;
        var answer = Task.Run(async () =>
        {
            var request = await peer.ReceiveAsync();
            await peer.SendAsync("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), request.RemoteEndPoint);
        });
        Assert.Equal("SIP/2.0 200 OK", await SipProbe.OptionsAsync(endpoint, TimeSpan.FromSeconds(5), CancellationToken.None));
        await answer;
    }

    private static Report SampleReport()
    {
        var report = new Report
        {
            Scenario = "calls",
            Command = "calls --rate 20",
            StartedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 30, TimeSpan.Zero),
            Machine = new MachineInfo { ProcessorCount = 2, MemoryGib = 23.5, Os = "Debian", Kernel = "6.1", Runtime = ".NET 10", Gc = "server" },
        };
        var latency = new Latency("us", 60_000_000);
        foreach (var us in new[] { 500, 1_000, 2_000, 40_000 }) latency.Record(us);
        report.AddOperation("enqueue_to_offer", latency, lost: 0);
        report.AddOperation("call_start", latency);
        report.Timeline.AddRange([new ProgressSample(1, 19, 12, null, 0), new ProgressSample(2, 21, 14, 3.5, 0), new ProgressSample(3, 20, 13, 3.9, 1)]);
        report.Targets.Add(new TargetCheck("enqueue → offer p99", "≤ 10 ms", "40 ms", false, "missed by 30 ms"));
        return report;
    }

    [Fact]
    public void Json_carries_count_p50_p90_p99_and_max_in_ms_per_operation_and_lost_for_calls()
    {
        using var json = JsonDocument.Parse(SampleReport().ToJson());
        var ops = json.RootElement.GetProperty("operations");
        var offer = ops.GetProperty("enqueue_to_offer");
        Assert.Equal(4, offer.GetProperty("count").GetInt64());
        Assert.Equal(1.0, offer.GetProperty("p50").GetDouble(), 2);
        Assert.Equal(40.0, offer.GetProperty("max").GetDouble(), 0);
        Assert.True(offer.TryGetProperty("p90", out _) && offer.TryGetProperty("p99", out _));
        Assert.Equal(0, offer.GetProperty("lost").GetInt32());
        Assert.False(ops.GetProperty("call_start").TryGetProperty("lost", out _));
    }

    [Fact]
    public void The_html_page_is_self_contained_with_inline_svg_charts()
    {
        var html = ReportHtml.Render(SampleReport());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.Contains("enqueue_to_offer", html);
        Assert.Contains("missed by 30 ms", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
    }

    [Fact]
    public async Task Writing_a_report_also_writes_the_html_page()
    {
        var dir = Directory.CreateTempSubdirectory("report-html-");
        try
        {
            await SampleReport().WriteAsync(dir.FullName);
            Assert.True(File.Exists(Path.Combine(dir.FullName, Report.HtmlFileName)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
