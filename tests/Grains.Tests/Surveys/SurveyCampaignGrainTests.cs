using Hotline.Calls;
using Hotline.Surveys;
using Hotline.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Surveys;

/// <summary>A cluster whose campaigns dial through a fake the test plays: which seats are free, how each call went.</summary>
public sealed class FakeDiallerCluster : HotlineCluster
{
    public FakeCampaignDialer Dialer { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<ICampaignDialer>(Dialer);
}

/// <summary>The campaign grain's dialling rounds, with the calls' outcomes played by the test and time on the test clock.</summary>
public sealed class SurveyCampaignGrainTests(FakeDiallerCluster cluster) : ClusterTest(cluster), IClassFixture<FakeDiallerCluster>
{
    private FakeCampaignDialer Dialer => cluster.Dialer;
    private static long _campaigns = 1000;

    private async Task<(ISurveyCampaignGrain Grain, string[] Seats)> NewCampaignAsync(int lines, int seats, int cases,
        IReadOnlyDictionary<string, int>? quotas = null, Func<int, string>? stratum = null)
    {
        await MorningAsync();
        var id = Interlocked.Increment(ref _campaigns);
        var jobNos = Enumerable.Range(1, seats).Select(i => $"c{id}s{i}").ToArray();
        foreach (var j in jobNos) Dialer.FreeSeats[j] = true;
        var grain = Client.GetGrain<ISurveyCampaignGrain>(id);
        await grain.ConfigureAsync(new CampaignSettings
        {
            Name = $"测评 {id}",
            Lines = lines,
            Seats = jobNos,
            Retries = Dispositions.DefaultRetries,
            Quotas = quotas ?? new Dictionary<string, int>(),
            WorkingDaysOnly = true,
        }, Enumerable.Range(1, cases).Select(i => new CampaignCase($"{i}", $"139{id:D4}{i:D4}", stratum?.Invoke(i) ?? "s1", null, "hotline", null)).ToArray());
        return (grain, jobNos);
    }

    /// <summary>The tests share one clock: each starts at the next working morning, 10:00 Beijing time, inside the calling window.</summary>
    private async Task MorningAsync()
    {
        var now = Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var day = now.Date.AddDays(now.Hour >= 10 ? 1 : 0);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        await Time.AdvanceAsync(new DateTimeOffset(day.AddHours(10), TimeSpan.FromHours(8)) - Time.GetUtcNow());
    }

    private string[] DialsOf(ISurveyCampaignGrain grain) =>
        Dialer.Dials.Where(d => d.CallId.StartsWith($"svy-{grain.GetPrimaryKeyLong()}-", StringComparison.Ordinal)).Select(d => d.CallId).ToArray();

    private void Report(string callId, CallProgress progress, bool answered = false, string? reason = null) =>
        Dialer.Reports[callId] = new CallReport(progress, answered, reason);

    [Fact]
    public async Task A_round_dials_one_line_per_free_interviewer_within_the_line_budget()
    {
        var (grain, seats) = await NewCampaignAsync(lines: 2, seats: 3, cases: 5);
        await grain.StartAsync();
        var snapshot = await grain.TickAsync();

        var dials = Dialer.Dials.Where(d => d.Call.JobNo.StartsWith(seats[0][..^1], StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, dials.Length);
        Assert.Equal(2, dials.Select(d => d.Call.JobNo).Distinct().Count());
        Assert.All(dials, d => Assert.Equal("survey", d.Call.Purpose));
        Assert.Equal((2, 2), (snapshot.LinesInUse, snapshot.Attempts));

        await grain.TickAsync(); // the third interviewer is free, but both lines are in use
        Assert.Equal(2, DialsOf(grain).Length);
        Assert.Equal("线路已全部占用", (await grain.GetAsync()).Idle);
    }

    [Fact]
    public async Task A_busy_number_is_retried_after_ten_minutes_of_grain_time_and_not_before()
    {
        var (grain, seats) = await NewCampaignAsync(lines: 1, seats: 1, cases: 1);
        await grain.StartAsync();
        await grain.TickAsync();
        var first = Assert.Single(DialsOf(grain));
        Report(first, CallProgress.Ended, reason: "busy");
        Dialer.FreeSeats[seats[0]] = true;

        var after = await grain.TickAsync();
        Assert.Equal(1, after.Outcomes[Disposition.Busy]);
        await Time.AdvanceAsync(TimeSpan.FromMinutes(9));
        await grain.TickAsync();
        Assert.Single(DialsOf(grain));

        await Time.AdvanceAsync(TimeSpan.FromMinutes(1));
        await grain.TickAsync();
        Assert.Equal([first, first[..^1] + "2"], DialsOf(grain));
    }

    [Fact]
    public async Task The_grain_timer_places_calls_as_grain_time_passes()
    {
        var (grain, _) = await NewCampaignAsync(lines: 5, seats: 2, cases: 3);
        await grain.StartAsync();
        await AdvanceAsync(2);
        await Eventually(() => Task.FromResult(DialsOf(grain).Length), n => n == 2, "two calls placed by the timer");
    }

    [Fact]
    public async Task An_answered_call_waits_for_the_interviewer_and_a_met_quota_stops_its_stratum()
    {
        var (grain, seats) = await NewCampaignAsync(lines: 1, seats: 1, cases: 3, new Dictionary<string, int> { ["a"] = 1 }, i => i <= 2 ? "a" : "b");
        await grain.StartAsync();
        await grain.TickAsync();
        var call = Assert.Single(DialsOf(grain));
        Report(call, CallProgress.Talking, answered: true);
        Assert.Equal(1, (await grain.TickAsync()).Interviewing);
        Report(call, CallProgress.Ended, answered: true, reason: "caller_hangup");
        await grain.TickAsync();

        var disposed = await grain.DisposeAsync(new CaseDisposition(call, Disposition.Complete, null, seats[0]));
        Assert.Equal((CaseStatus.Final, Disposition.Complete), (disposed.Status, disposed.Final));
        var again = await Assert.ThrowsAsync<DomainException>(() => grain.DisposeAsync(new CaseDisposition(call, Disposition.Refusal, null, seats[0])));
        Assert.Equal("campaign.not_awaiting", again.Code);

        Dialer.FreeSeats[seats[0]] = true;
        var snapshot = await grain.TickAsync();
        Assert.Equal([new QuotaFill("a", 1, 1)], snapshot.Quotas);
        var next = DialsOf(grain)[1];
        Assert.Contains(Dialer.Dials, d => d.CallId == next && d.Call.To.EndsWith("0003", StringComparison.Ordinal)); // stratum b, not a's second case
        Assert.Equal(1.0, snapshot.Rates.ResponseRate1);
    }

    [Fact]
    public async Task Nothing_is_dialled_outside_the_calling_window()
    {
        var (grain, _) = await NewCampaignAsync(lines: 5, seats: 2, cases: 3);
        await Time.AdvanceAsync(TimeSpan.FromHours(11)); // 21:00 Beijing time
        var evening = Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        await grain.StartAsync();
        var snapshot = await grain.TickAsync();
        Assert.Empty(DialsOf(grain));
        Assert.StartsWith("不在拨打时段内", snapshot.Idle);
        var nextDay = evening.Date.AddDays(evening.DayOfWeek == DayOfWeek.Friday ? 3 : 1).AddHours(9);
        Assert.Equal(new DateTimeOffset(nextDay, TimeSpan.FromHours(8)), snapshot.NextWindowOpensAt);
    }

    [Fact]
    public async Task A_dial_lost_on_the_way_is_placed_again_under_the_same_call_id_so_the_number_is_called_once()
    {
        var (grain, _) = await NewCampaignAsync(lines: 1, seats: 1, cases: 1);
        var id = $"svy-{grain.GetPrimaryKeyLong()}-1-1";
        Dialer.Lose[id] = true;
        await grain.StartAsync();
        await grain.TickAsync();
        Assert.Empty(DialsOf(grain));
        Assert.Equal(1, (await grain.GetAsync()).LinesInUse);

        await grain.TickAsync();
        Assert.Equal([id], DialsOf(grain));
        Assert.Single(await grain.GetAttemptsAsync());
    }

    [Fact]
    public async Task A_cluster_that_cannot_dial_pauses_the_campaign_and_records_no_attempt()
    {
        var (grain, _) = await NewCampaignAsync(lines: 1, seats: 1, cases: 1);
        Dialer.RefuseAll = new DialRefusal(false, "telephony.not_available", "no edge");
        try
        {
            await grain.StartAsync();
            var snapshot = await grain.TickAsync();
            Assert.Equal((CampaignStatus.Paused, 0), (snapshot.Status, snapshot.Attempts));
            Assert.Equal(CaseStatus.Pending, (await grain.GetCasesAsync(0, 10))[0].Status);
        }
        finally
        {
            Dialer.RefuseAll = null;
        }
    }

    [Fact]
    public async Task A_started_campaign_cannot_be_reconfigured()
    {
        var (grain, _) = await NewCampaignAsync(lines: 1, seats: 1, cases: 1);
        await grain.StartAsync();
        var refused = await Assert.ThrowsAsync<DomainException>(() => grain.ConfigureAsync(new CampaignSettings(), []));
        Assert.Equal("campaign.not_draft", refused.Code);
    }
}

/// <summary>The campaign dialling through the real call and seat grains (the agent's outbound path), the edge played by the test.</summary>
public sealed class SurveyCampaignCallPathTests(PendingDialCluster cluster) : ClusterTest(cluster), IClassFixture<PendingDialCluster>
{
    [Fact]
    public async Task Campaign_calls_go_out_from_the_interviewers_seat_and_follow_the_calls_outcomes()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatWithPhoneAsync(queue, ready: true);
        var campaign = Client.GetGrain<ISurveyCampaignGrain>(Random.Shared.NextInt64(1_000_000, 2_000_000));
        var id = campaign.GetPrimaryKeyLong();
        await campaign.ConfigureAsync(new CampaignSettings
        {
            Name = "回访",
            Kind = CampaignKind.ReturnVisit,
            Lines = 60,
            Seats = [jobNo],
            Retries = Dispositions.DefaultRetries,
            WorkingDaysOnly = false,
            WindowStart = TimeOnly.MinValue,
            WindowEnd = TimeOnly.MaxValue,
        }, [new CampaignCase("1", "13900000001", "s", null, null, "10000018"), new CampaignCase("2", "13900000002", "s", null, null, null)]);
        await campaign.StartAsync();

        await campaign.TickAsync();
        var first = await Call($"svy-{id}-1-1").GetAsync();
        Assert.Equal((CallState.Dialing, "13900000001", "return_visit", "10000018", jobNo), (first.State, first.To, first.Purpose, first.TicketNumber, first.SeatJobNo));
        await campaign.TickAsync(); // the seat is held by the call: nothing more is dialled
        Assert.Equal(1, (await campaign.GetAsync()).Attempts);

        await Call(first.Id).OnDialedAsync(DialOutcome.Failed, "busy");
        await SeatBecomesAsync(jobNo, s => s.State == Hotline.Seats.SeatState.Ready, "ready after the failed dial");
        await campaign.TickAsync(); // notices the busy line
        await campaign.TickAsync(); // dials the other case; the busy one waits ten minutes
        var cases = await campaign.GetCasesAsync(0, 10);
        Assert.Equal((CaseStatus.Pending, Disposition.Busy), (cases[0].Status, cases[0].LastOutcome));
        Assert.Equal(CallState.Dialing, (await Call($"svy-{id}-2-1").GetAsync()).State);

        await Call($"svy-{id}-2-1").OnDialedAsync(DialOutcome.Connected, null);
        await campaign.TickAsync();
        Assert.Equal(CaseStatus.Interviewing, (await campaign.GetCaseOfCallAsync($"svy-{id}-2-1"))!.Status);
        await Call($"svy-{id}-2-1").HangupAsync(CallParty.Caller);
        await campaign.TickAsync();
        Assert.Equal(0, (await campaign.GetAsync()).LinesInUse);
        var done = await campaign.DisposeAsync(new CaseDisposition($"svy-{id}-2-1", Disposition.Complete, null, jobNo));
        Assert.Equal(Disposition.Complete, done.Final);
    }
}

/// <summary>Fake dialling on a cluster whose silos notice a dead peer within seconds.</summary>
public sealed class FakeDiallerFailoverCluster : HotlineCluster
{
    public FakeCampaignDialer Dialer { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddSingleton<ICampaignDialer>(Dialer);
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            o.NumMissedProbesLimit = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
    }
}

/// <summary>The campaign's silo dies with calls in flight: it comes back on the survivor from its state.</summary>
public sealed class SurveyCampaignSiloLossTests() : ClusterTest(new FakeDiallerFailoverCluster()), IAsyncLifetime
{
    public Task InitializeAsync() => Cluster.InitializeAsync();
    public Task DisposeAsync() => Cluster.DisposeAsync();

    [Fact]
    public async Task When_the_campaigns_silo_dies_its_lines_and_interviews_carry_on_elsewhere_and_no_number_is_dialled_twice()
    {
        var dialer = ((FakeDiallerFailoverCluster)Cluster).Dialer;
        dialer.FreeSeats["loss-1"] = dialer.FreeSeats["loss-2"] = true;
        var campaign = Client.GetGrain<ISurveyCampaignGrain>(424242);
        await campaign.ConfigureAsync(new CampaignSettings
        {
            Name = "失效测试",
            Lines = 2,
            Seats = ["loss-1", "loss-2"],
            Retries = Dispositions.DefaultRetries,
            WindowStart = TimeOnly.MinValue,
            WindowEnd = TimeOnly.MaxValue,
            WorkingDaysOnly = false,
        }, [new CampaignCase("1", "13900000001", "s", null, null, null), new CampaignCase("2", "13900000002", "s", null, null, null)]);
        await campaign.StartAsync();
        await campaign.TickAsync();
        Assert.Equal(2, dialer.Dials.Count);
        dialer.Reports["svy-424242-1-1"] = new CallReport(CallProgress.Talking, true, null);
        await campaign.TickAsync();

        await Cluster.KillSiloAsync(Assert.IsType<Orleans.Runtime.SiloAddress>(Cluster.SiloOf(campaign)));

        var after = await campaign.GetAsync(); // woken on the survivor from its stored state
        Assert.Equal((CampaignStatus.Running, 2, 2, 1), (after.Status, after.LinesInUse, after.Attempts, after.Interviewing));
        await campaign.TickAsync();
        Assert.Equal(["svy-424242-1-1", "svy-424242-2-1"], dialer.Dials.Select(d => d.CallId).Order(StringComparer.Ordinal));

        await campaign.DisposeAsync(new CaseDisposition("svy-424242-1-1", Disposition.Complete, null, "loss-1"));
        dialer.Reports["svy-424242-1-1"] = new CallReport(CallProgress.Ended, true, "caller_hangup");
        dialer.Reports["svy-424242-2-1"] = new CallReport(CallProgress.Ended, false, "unknown_number");
        var done = await campaign.TickAsync();
        Assert.Equal((CampaignStatus.Finished, 0), (done.Status, done.LinesInUse));
        Assert.Equal(2, dialer.Dials.Count);
    }
}
