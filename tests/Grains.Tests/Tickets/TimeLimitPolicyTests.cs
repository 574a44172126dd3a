using Hotline.Calendar;
using Hotline.Tickets;
using Microsoft.Extensions.Configuration;
using static Hotline.Tests.Calendar.China;

namespace Hotline.Tests.Tickets;

public sealed class TimeLimitPolicyTests
{
    private readonly WorkCalendar _calendar = Calendar2025And2026;

    [Theory]
    [InlineData(TicketKind.Consultation, 2)]
    [InlineData(TicketKind.Help, 10)]
    [InlineData(TicketKind.Suggestion, 10)]
    [InlineData(TicketKind.Complaint, 15)]
    [InlineData(TicketKind.Report, 15)]
    [InlineData(TicketKind.Praise, 2)]
    public void Each_kind_has_the_provincial_reply_limit_in_working_days(TicketKind kind, int days)
    {
        var limits = new TimeLimitPolicy().Resolve(kind, "housing-fund");

        Assert.Equal(TimeLimit.Days(days), limits.Reply);
        Assert.Equal(TimeLimit.Days(1), limits.Sign);
        Assert.Null(limits.Finish);
        Assert.Equal(TimeLimit.Days(3), limits.ReturnVisit);
    }

    [Fact]
    public void A_complaint_before_National_Day_gets_its_deadlines_on_the_work_calendar()
    {
        var deadlines = new TimeLimitPolicy().Compute(TicketKind.Complaint, "housing-fund", Bj(2026, 9, 28, 10), 0, _calendar);

        Assert.Equal(Bj(2026, 9, 29, 17, 30), deadlines.Sign);
        // 29, 30 Sep; 8, 9, 10 (Saturday, worked), 12–16, 19–23 Oct.
        Assert.Equal(Bj(2026, 10, 23, 17, 30), deadlines.Reply);
        Assert.Equal(Bj(2026, 10, 28, 17, 30), deadlines.Finish); // three working days for the return visit
        // 80% of 111 working hours (6 on the first day, 15 × 7 after) is 88 h 48 min.
        Assert.Equal(Bj(2026, 10, 20, 16, 18), deadlines.AutoUrge);
        Assert.Null(deadlines.ScheduledUrge);
    }

    [Fact]
    public void An_urgent_category_is_counted_in_working_hours_across_the_weekend()
    {
        var deadlines = new TimeLimitPolicy().Compute(TicketKind.Complaint, "public-safety", Bj(2026, 3, 6, 16), 0, _calendar);

        Assert.Equal(Bj(2026, 3, 6, 17, 0), deadlines.Sign);
        Assert.Equal(Bj(2026, 3, 9, 11, 30), deadlines.Reply); // 1.5 h on Friday, 2.5 h on Monday
        Assert.Equal(Bj(2026, 3, 12, 17, 30), deadlines.Finish);
        Assert.Equal(Bj(2026, 3, 9, 10, 42), deadlines.AutoUrge); // 80% of 4 h
    }

    [Fact]
    public void Category_ids_match_whatever_their_case()
    {
        Assert.Equal(TimeLimit.Hours(4), new TimeLimitPolicy().Resolve(TicketKind.Help, "Public-Safety").Reply);
    }

    [Fact]
    public void Approved_extension_days_push_reply_and_finish_but_not_sign()
    {
        var policy = new TimeLimitPolicy();
        var start = Bj(2026, 9, 28, 10);
        var plain = policy.Compute(TicketKind.Complaint, "housing-fund", start, 0, _calendar);

        var extended = policy.Compute(TicketKind.Complaint, "housing-fund", start, 5, _calendar);

        Assert.Equal(plain.Sign, extended.Sign);
        Assert.Equal(Bj(2026, 10, 30, 17, 30), extended.Reply);
        Assert.Equal(Bj(2026, 11, 4, 17, 30), extended.Finish);
        Assert.True(extended.AutoUrge > plain.AutoUrge);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Compute(TicketKind.Complaint, null, start, -1, _calendar));
    }

    [Fact]
    public void A_finish_limit_set_for_a_kind_counts_from_the_clock_start_and_moves_with_extensions()
    {
        var policy = new TimeLimitPolicy();
        policy.Kinds[TicketKind.Help].FinishWithin = TimeLimit.Days(20);
        var start = Bj(2026, 3, 2, 9);

        Assert.Equal(Bj(2026, 3, 16, 17, 30), policy.Compute(TicketKind.Help, null, start, 0, _calendar).Reply);
        Assert.Equal(Bj(2026, 3, 30, 17, 30), policy.Compute(TicketKind.Help, null, start, 0, _calendar).Finish);
        Assert.Equal(Bj(2026, 3, 31, 17, 30), policy.Compute(TicketKind.Help, null, start, 1, _calendar).Finish);
    }

    [Fact]
    public void The_sign_deadline_counts_from_the_dispatch()
    {
        var policy = new TimeLimitPolicy();

        Assert.Equal(Bj(2026, 2, 14, 17, 30), policy.SignDeadline(TicketKind.Help, null, Bj(2026, 2, 13, 16), _calendar));
        Assert.Equal(Bj(2026, 2, 14, 9, 30), policy.SignDeadline(TicketKind.Help, "public-safety", Bj(2026, 2, 13, 17), _calendar));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(new TimeLimitPolicy().Validate());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.2)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void The_auto_urge_share_must_lie_strictly_between_zero_and_one(double share)
    {
        var errors = new TimeLimitPolicy { AutoUrgeShare = share }.Validate();

        Assert.Contains(errors, e => e.Contains("Hotline:TimeLimits:AutoUrgeShare", StringComparison.Ordinal));
    }

    [Fact]
    public void Zero_or_negative_limits_are_named_in_the_errors()
    {
        var policy = new TimeLimitPolicy { SignWithin = TimeLimit.Days(0) };
        policy.Kinds[TicketKind.Complaint].ReplyWithin = TimeLimit.Days(-3);
        policy.Categories["gas-leak"] = new TimeLimitSet { ReplyWithin = TimeLimit.Hours(0) };

        var errors = policy.Validate();

        Assert.Contains(errors, e => e.Contains(":SignWithin must be a positive time limit, not 0d", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":Kinds:Complaint:ReplyWithin must be a positive time limit, not -3d", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":Categories:gas-leak:ReplyWithin must be a positive time limit, not 0h", StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_out_of_order_are_refused_even_across_units()
    {
        var policy = new TimeLimitPolicy();
        policy.Categories["gas-leak"] = new TimeLimitSet { ReplyWithin = TimeLimit.Hours(2) }; // signing still takes a day
        policy.Kinds[TicketKind.Report].FinishWithin = TimeLimit.Days(10);

        var errors = policy.Validate();

        Assert.Contains(errors, e => e.Contains("Categories:gas-leak (for Complaint): the sign limit (1d) ends after the reply limit (2h)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Kinds:Report: the finish limit (10d) ends before the reply limit (15d)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_kind_needs_a_reply_limit()
    {
        var policy = new TimeLimitPolicy();
        policy.Kinds.Remove(TicketKind.Praise);

        Assert.Contains(policy.Validate(), e => e.Contains("Kinds:Praise:ReplyWithin is missing", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => policy.Resolve(TicketKind.Praise, null));
    }

    [Fact]
    public void Configuration_overrides_only_what_it_names_and_keeps_the_other_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hotline:TimeLimits:AutoUrgeShare"] = "0.75",
            ["Hotline:TimeLimits:ReturnVisitWithin"] = "5d",
            ["Hotline:TimeLimits:Kinds:Complaint:ReplyWithin"] = "10d",
            ["Hotline:TimeLimits:Kinds:Help:FinishWithin"] = "20d",
            ["Hotline:TimeLimits:Categories:public-safety:ReplyWithin"] = "8h",
            ["Hotline:TimeLimits:Categories:gas-leak:SignWithin"] = "1h",
            ["Hotline:TimeLimits:Categories:gas-leak:ReplyWithin"] = "2h",
        }).Build();

        var policy = Bind(configuration);

        Assert.Empty(policy.Validate());
        Assert.Equal(0.75, policy.AutoUrgeShare);
        Assert.Equal(TimeLimit.Days(5), policy.ReturnVisitWithin);
        Assert.Equal(TimeLimit.Days(1), policy.SignWithin);
        Assert.Equal(TimeLimit.Days(10), policy.Resolve(TicketKind.Complaint, null).Reply);
        Assert.Equal(TimeLimit.Days(15), policy.Resolve(TicketKind.Report, null).Reply);
        Assert.Equal(TimeLimit.Days(20), policy.Resolve(TicketKind.Help, null).Finish);
        Assert.Equal(new EffectiveTimeLimits(TimeLimit.Hours(1), TimeLimit.Hours(8), null, TimeLimit.Days(5)), policy.Resolve(TicketKind.Consultation, "public-safety"));
        Assert.Equal(new EffectiveTimeLimits(TimeLimit.Hours(1), TimeLimit.Hours(2), null, TimeLimit.Days(5)), policy.Resolve(TicketKind.Consultation, "GAS-LEAK"));
    }

    [Theory]
    [InlineData("Hotline:TimeLimits:Kinds:Complaint:ReplyWithin", "fifteen days")]
    [InlineData("Hotline:TimeLimits:Categories:gas-leak:ReplyWithin", "2 hours")]
    [InlineData("Hotline:TimeLimits:Kinds:Compliant:ReplyWithin", "10d")]
    [InlineData("Hotline:TimeLimits:Kinds:Complaint:ReplyWithn", "10d")]
    public void A_bad_or_misspelt_limit_stops_the_binding_when_unknown_configuration_is_an_error(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        // Without ErrorOnUnknownConfiguration the binder silently skips a bad dictionary value (dotnet/runtime#73915).
        Assert.Throws<InvalidOperationException>(() => Bind(configuration));
    }

    private static TimeLimitPolicy Bind(IConfiguration configuration) =>
        configuration.GetSection(TimeLimitPolicy.Section).Get<TimeLimitPolicy>(o => o.ErrorOnUnknownConfiguration = true) ?? new();

    [Fact]
    public void Data_annotations_validation_reports_the_same_errors()
    {
        var policy = new TimeLimitPolicy { AutoUrgeShare = 2 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            policy, new System.ComponentModel.DataAnnotations.ValidationContext(policy), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Equal(policy.Validate(), results.Select(r => r.ErrorMessage));
    }

    [Theory]
    [InlineData("15d", 15, TimeLimitUnit.WorkingDays)]
    [InlineData(" 4 H ", 4, TimeLimitUnit.WorkingHours)]
    [InlineData("0d", 0, TimeLimitUnit.WorkingDays)]
    public void A_time_limit_is_written_as_days_or_hours(string text, int amount, TimeLimitUnit unit)
    {
        Assert.Equal(new TimeLimit(amount, unit), TimeLimit.Parse(text));
        Assert.Equal(TimeLimit.Parse(text), TimeLimit.Parse(TimeLimit.Parse(text).ToString()));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("d")]
    [InlineData("4m")]
    [InlineData("x4h")]
    [InlineData("")]
    public void Anything_else_is_not_a_time_limit(string text)
    {
        Assert.False(TimeLimit.TryParse(text, out _));
        Assert.Throws<FormatException>(() => TimeLimit.Parse(text));
    }
}
