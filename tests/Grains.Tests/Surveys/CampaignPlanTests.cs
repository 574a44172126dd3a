using Hotline.Calendar;
using Hotline.Surveys;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Surveys;

public class CampaignPlanTests
{
    // Monday 23 November 2026, 10:00 Beijing time.
    private static readonly DateTimeOffset Monday10 = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static CampaignPlan Plan(int lines = 60, IReadOnlyDictionary<string, int>? quotas = null, params CampaignCase[] cases)
    {
        var state = new CampaignState
        {
            Settings = new CampaignSettings { Lines = lines, Retries = Dispositions.DefaultRetries, Quotas = quotas ?? new Dictionary<string, int>() },
            Cases = cases.Select(c => new CaseState { Case = c, NextDueAt = Monday10 }).ToList(),
        };
        return new CampaignPlan(state);
    }

    private static CampaignCase Case(string id, string stratum = "s1") => new(id, "1390000" + id.PadLeft(4, '0'), stratum, null, "hotline", null);

    [Fact]
    public void Lines_opened_follow_the_free_interviewers_and_never_exceed_the_budget()
    {
        var plan = Plan(lines: 3, quotas: null, Case("1"), Case("2"), Case("3"), Case("4"));
        Assert.Equal(2, plan.LinesToOpen(2));
        Assert.Equal(3, plan.LinesToOpen(40));
        plan.StartAttempt(plan.NextDue(Monday10)!, "c1", "6001", Monday10);
        plan.StartAttempt(plan.NextDue(Monday10)!, "c2", "6002", Monday10);
        Assert.Equal((2, 1), (plan.LinesInUse, plan.LinesToOpen(40)));
        plan.CallEnded("c1", "busy", Monday10);
        Assert.Equal(2, plan.LinesToOpen(40));
    }

    [Fact]
    public void A_busy_number_is_due_again_after_its_spacing_and_a_case_being_dialled_is_never_picked_twice()
    {
        var time = new FakeTimeProvider(Monday10);
        var plan = Plan(60, null, Case("1"));
        var c = plan.NextDue(time.GetUtcNow())!;
        plan.StartAttempt(c, "c1", "6001", time.GetUtcNow());
        Assert.Null(plan.NextDue(time.GetUtcNow()));

        plan.CallEnded("c1", "busy", time.GetUtcNow());
        Assert.Equal((CaseStatus.Pending, Disposition.Busy), (c.Status, c.LastOutcome));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Null(plan.NextDue(time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Same(c, plan.NextDue(time.GetUtcNow()));
    }

    [Fact]
    public void A_no_answer_case_is_final_after_its_last_allowed_attempt()
    {
        var time = new FakeTimeProvider(Monday10);
        var plan = Plan(60, null, Case("1"));
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var c = plan.NextDue(time.GetUtcNow())!;
            plan.StartAttempt(c, $"c{attempt}", "6001", time.GetUtcNow());
            plan.CallEnded($"c{attempt}", "no_answer", time.GetUtcNow());
            time.Advance(TimeSpan.FromHours(2));
        }
        var only = plan.State.Cases[0];
        Assert.Equal((CaseStatus.Final, Disposition.NoAnswer, 5), (only.Status, only.Final, only.Attempts));
        Assert.Null(plan.NextDue(time.GetUtcNow()));
        Assert.True(plan.Finished);
        Assert.Equal(5, plan.State.Attempts.Count(a => a.Outcome == Disposition.NoAnswer && a.EndedAt is not null));
    }

    [Fact]
    public void An_answered_call_waits_for_the_interviewers_disposition_and_a_refusal_is_final()
    {
        var plan = Plan(60, null, Case("1"));
        var c = plan.NextDue(Monday10)!;
        plan.StartAttempt(c, "c1", "6001", Monday10);
        Assert.True(plan.Answered("c1", Monday10.AddSeconds(5)));
        plan.CallEnded("c1", "hangup", Monday10.AddMinutes(1));
        Assert.Equal((CaseStatus.Interviewing, 0), (c.Status, plan.LinesInUse));
        Assert.False(plan.Finished);

        Assert.True(plan.Dispose("c1", Disposition.Refusal, null, Monday10.AddMinutes(2)));
        Assert.Equal((CaseStatus.Final, Disposition.Refusal), (c.Status, c.Final));
        Assert.False(plan.Dispose("c1", Disposition.Complete, null, Monday10.AddMinutes(3)));
        var attempt = Assert.Single(plan.State.Attempts);
        Assert.Equal((Monday10.AddSeconds(5), Monday10.AddMinutes(1), Disposition.Refusal), (attempt.AnsweredAt, attempt.EndedAt, attempt.Outcome));
    }

    [Fact]
    public void A_disposition_given_while_the_respondent_is_still_on_the_line_keeps_the_line_until_the_call_ends()
    {
        var plan = Plan(1, null, Case("1"), Case("2"));
        plan.StartAttempt(plan.NextDue(Monday10)!, "c1", "6001", Monday10);
        plan.Answered("c1", Monday10);
        plan.Dispose("c1", Disposition.Complete, null, Monday10.AddMinutes(4));
        Assert.Equal((1, 0), (plan.LinesInUse, plan.LinesToOpen(5)));
        Assert.True(plan.CallEnded("c1", null, Monday10.AddMinutes(5)));
        Assert.Equal((0, 1), (plan.LinesInUse, plan.LinesToOpen(5)));
        Assert.Equal(Disposition.Complete, plan.State.Cases[0].Final);
    }

    [Fact]
    public void An_appointment_is_due_at_the_time_the_respondent_named()
    {
        var plan = Plan(60, null, Case("1"));
        var c = plan.NextDue(Monday10)!;
        plan.StartAttempt(c, "c1", "6001", Monday10);
        plan.Answered("c1", Monday10);
        var tomorrow = Monday10.AddDays(1).AddHours(9);
        plan.Dispose("c1", Disposition.Appointment, tomorrow, Monday10.AddMinutes(1));
        Assert.Equal((CaseStatus.Pending, tomorrow), (c.Status, c.NextDueAt));
        Assert.Null(plan.NextDue(tomorrow.AddSeconds(-1)));
        Assert.Same(c, plan.NextDue(tomorrow));
    }

    [Fact]
    public void A_stratum_whose_quota_is_met_is_no_longer_dialled_but_the_others_are()
    {
        var plan = Plan(60, new Dictionary<string, int> { ["s1"] = 1 }, Case("1", "s1"), Case("2", "s1"), Case("3", "s2"));
        var first = plan.NextDue(Monday10)!;
        Assert.Equal("s1", first.Case.Stratum);
        plan.StartAttempt(first, "c1", "6001", Monday10);
        plan.Answered("c1", Monday10);
        plan.Dispose("c1", Disposition.Complete, null, Monday10);

        Assert.Equal([new QuotaFill("s1", 1, 1)], plan.QuotaFill());
        var next = plan.NextDue(Monday10)!;
        Assert.Equal("3", next.Case.CaseId);
        plan.StartAttempt(next, "c2", "6001", Monday10);
        plan.CallEnded("c2", "unknown_number", Monday10);
        Assert.Equal(Disposition.InvalidNumber, next.Final);
        Assert.Null(plan.NextDue(Monday10));
        Assert.True(plan.Finished); // case 2 stays pending in a filled stratum
    }

    [Fact]
    public void The_call_id_of_an_attempt_is_the_same_until_the_attempt_starts()
    {
        var plan = Plan(60, null, Case("7"));
        var c = plan.State.Cases[0];
        Assert.Equal("svy-12-7-1", CampaignPlan.CallIdFor(12, c));
        Assert.Equal("svy-12-7-1", CampaignPlan.CallIdFor(12, c));
        plan.StartAttempt(c, CampaignPlan.CallIdFor(12, c), "6001", Monday10);
        Assert.Equal("svy-12-7-2", CampaignPlan.CallIdFor(12, c));
    }
}

public class CallingWindowTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static CallingWindow Window(bool workingDaysOnly = true) =>
        new(WorkCalendar.China([new CalendarYear(2026, [new DateOnly(2026, 10, 1)], [new DateOnly(2026, 9, 27)])]),
            new TimeOnly(9, 0), new TimeOnly(21, 0), workingDaysOnly);

    [Theory]
    [InlineData(2026, 11, 23, 8, 59, false)]
    [InlineData(2026, 11, 23, 9, 0, true)]
    [InlineData(2026, 11, 23, 20, 59, true)]
    [InlineData(2026, 11, 23, 21, 0, false)]
    [InlineData(2026, 11, 28, 10, 0, false)] // Saturday
    [InlineData(2026, 10, 1, 10, 0, false)] // National Day, a holiday
    [InlineData(2026, 9, 27, 10, 0, true)] // a Sunday worked in exchange (调休上班)
    public void The_window_is_open_between_nine_and_nine_Beijing_time_on_working_days(int y, int m, int d, int h, int min, bool open) =>
        Assert.Equal(open, Window().IsOpen(new DateTimeOffset(y, m, d, h, min, 0, Beijing)));

    [Fact]
    public void The_window_is_read_in_Beijing_time_whatever_the_instants_offset() =>
        Assert.True(Window().IsOpen(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero))); // 09:00 in Beijing

    [Fact]
    public void After_closing_on_Friday_the_window_next_opens_on_Monday_morning()
    {
        var next = Window().NextOpen(new DateTimeOffset(2026, 11, 27, 21, 30, 0, Beijing));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, Beijing), next);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 0, 0, Beijing), Window(workingDaysOnly: false).NextOpen(new DateTimeOffset(2026, 11, 27, 21, 30, 0, Beijing)));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, Beijing), Window().NextOpen(new DateTimeOffset(2026, 11, 27, 6, 0, 0, Beijing)));
    }
}

public class DispositionsTests
{
    [Fact]
    public void Rates_follow_the_AAPOR_formulas()
    {
        // I=4, P=1, R=2 (refusal + break-off), NC=1, O=0, U=2 (no answer, busy); the invalid number is outside every rate.
        Disposition[] cases =
        [
            Disposition.Complete, Disposition.Complete, Disposition.Complete, Disposition.Complete, Disposition.Partial,
            Disposition.Refusal, Disposition.BreakOff, Disposition.NonContact, Disposition.NoAnswer, Disposition.Busy,
            Disposition.InvalidNumber,
        ];
        var rates = Dispositions.Rates(cases);
        Assert.Equal(4.0 / 10, rates.ResponseRate1, 10);
        Assert.Equal(5.0 / 10, rates.ResponseRate2, 10);
        Assert.Equal(4.0 / 7, rates.CooperationRate1, 10);
        Assert.Equal(2.0 / 10, rates.RefusalRate1, 10);
        Assert.Equal(7.0 / 10, rates.ContactRate1, 10);
        Assert.Equal(8, rates.Eligible);
    }

    [Fact]
    public void No_cases_give_zero_rates_not_a_division_by_zero() =>
        Assert.Equal(new AaporRates(0, 0, 0, 0, 0, 0), Dispositions.Rates([]));

    [Theory]
    [InlineData("busy", Disposition.Busy)]
    [InlineData("no_answer", Disposition.NoAnswer)]
    [InlineData("unknown_number", Disposition.InvalidNumber)]
    [InlineData("rejected", Disposition.Refusal)]
    [InlineData("lost_with_silo", Disposition.TechnicalProblem)]
    public void A_failed_dials_reason_maps_to_its_AAPOR_outcome(string reason, Disposition outcome) =>
        Assert.Equal(outcome, Dispositions.FromDialFailure(reason));

    [Fact]
    public void Every_disposition_has_a_code_a_group_and_a_Chinese_label()
    {
        foreach (var d in Enum.GetValues<Disposition>())
        {
            Assert.Matches(@"^[1-4]\.\d+$", Dispositions.Code(d));
            Assert.NotEmpty(Dispositions.Label(d));
        }
        Assert.Equal(DispositionGroup.NotEligible, Dispositions.Group(Disposition.InvalidNumber));
    }
}
