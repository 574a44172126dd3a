using Hotline.Reporting;

namespace Hotline.Tests.Reporting;

public sealed class CallKpisTests
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A call queued at <paramref name="queuedAfter"/> s past nine; answered after <paramref name="wait"/> s or ended unanswered.</summary>
    private static CallRow Call(string state, double queuedAfter, double? wait, double? talk = null, double? wrap = null, double? abandonAfter = null,
        string queue = "general", string? seat = "1001")
    {
        var queued = Nine.AddSeconds(queuedAfter);
        var answered = wait is { } w ? queued.AddSeconds(w) : (DateTimeOffset?)null;
        var ended = answered is { } a ? a.AddSeconds(talk ?? 0) : abandonAfter is { } x ? queued.AddSeconds(x) : (DateTimeOffset?)null;
        var wrapped = wrap is { } r && ended is { } e ? e.AddSeconds(r) : (DateTimeOffset?)null;
        return new CallRow(queue, answered is null ? null : seat, state, queued.AddSeconds(-12), queued, answered, ended, wrapped);
    }

    [Fact]
    public void Five_offered_calls_give_the_hand_computed_rates_and_averages()
    {
        CallRow[] calls =
        [
            Call("ended", 0, wait: 4, talk: 120, wrap: 30),
            Call("ended", 10, wait: 10, talk: 200, wrap: 20),   // exactly 10 s: within the service level
            Call("ended", 20, wait: 25, talk: 100, wrap: null), // no wrap-up recorded
            Call("abandoned", 30, wait: null, abandonAfter: 3),  // short abandon (< 5 s)
            Call("abandoned", 40, wait: null, abandonAfter: 40),
            new CallRow(null, null, "ended", Nine, null, null, Nine.AddSeconds(50), null), // IVR only: not offered
        ];

        var t = CallTotals.Of(calls, CallKpiSettings.Default);
        var k = t.Kpis;

        Assert.Equal(new CallTotals(6, 5, 3, 2, 2, 1, 0, 39, 3, 420, 2, 50), t);
        Assert.Equal(3.0 / 5, k.ConnectionRate);
        Assert.Equal(2.0 / 4, k.ServiceLevel);      // short abandons leave the base
        Assert.Equal(2.0 / 5, k.AbandonRate);
        Assert.Equal(1.0 / 5, k.ShortAbandonRate);
        Assert.Equal(13, k.AverageSpeedOfAnswer);   // (4 + 10 + 25) / 3
        Assert.Equal(140, k.AverageTalkSeconds);    // 420 / 3
        Assert.Equal(25, k.AverageWrapUpSeconds);   // 50 / 2
        Assert.Equal(470.0 / 3, k.AverageHandleSeconds);
    }

    [Fact]
    public void No_calls_give_no_rates_rather_than_zero_or_one_hundred_percent()
    {
        var k = CallTotals.Of([], CallKpiSettings.Default).Kpis;

        Assert.Null(k.ConnectionRate);
        Assert.Null(k.ServiceLevel);
        Assert.Null(k.AbandonRate);
        Assert.Null(k.AverageSpeedOfAnswer);
        Assert.Null(k.AverageHandleSeconds);
    }

    [Fact]
    public void A_call_spanning_midnight_counts_on_the_day_and_hour_it_arrived_with_its_whole_talk_time()
    {
        var arrived = new DateTimeOffset(2026, 11, 2, 23, 58, 0, TimeSpan.FromHours(8));
        var call = new CallRow("general", "1001", "ended", arrived, arrived.AddSeconds(5), arrived.AddSeconds(13),
            arrived.AddMinutes(5), arrived.AddMinutes(6));

        Assert.Equal(new DateOnly(2026, 11, 2), ReportPeriod.LocalDay(call.ArrivedAt));
        Assert.Equal(23, ReportPeriod.LocalHour(call.ArrivedAt));
        var k = CallTotals.Of([call], CallKpiSettings.Default).Kpis;
        Assert.Equal(287, k.AverageTalkSeconds);
        Assert.Equal(60, k.AverageWrapUpSeconds);
        Assert.Equal(1, k.ServiceLevel);
    }

    [Fact]
    public void A_caller_who_asks_for_a_callback_is_neither_answered_nor_abandoned()
    {
        var t = CallTotals.Of([Call("callback_waiting", 0, wait: null, abandonAfter: 60)], CallKpiSettings.Default);

        Assert.Equal((1, 0, 0, 1), (t.Offered, t.Answered, t.Abandoned, t.Callbacks));
    }

    [Fact]
    public void The_service_level_threshold_is_a_setting()
    {
        var calls = new[] { Call("ended", 0, wait: 12, talk: 60), Call("ended", 0, wait: 16, talk: 60) };

        Assert.Equal(0, CallTotals.Of(calls, new CallKpiSettings(10)).Kpis.ServiceLevel);
        Assert.Equal(0.5, CallTotals.Of(calls, new CallKpiSettings(15)).Kpis.ServiceLevel);
    }

    [Fact]
    public void Totals_add_up_so_groups_sum_to_the_whole()
    {
        var a = CallTotals.Of([Call("ended", 0, 4, 60, 10)], CallKpiSettings.Default);
        var b = CallTotals.Of([Call("abandoned", 0, null, abandonAfter: 30)], CallKpiSettings.Default);

        Assert.Equal(CallTotals.Of([Call("ended", 0, 4, 60, 10), Call("abandoned", 0, null, abandonAfter: 30)], CallKpiSettings.Default), a + b);
    }
}
