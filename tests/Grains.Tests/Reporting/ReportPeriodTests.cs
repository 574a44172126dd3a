using Hotline.Reporting;

namespace Hotline.Tests.Reporting;

public sealed class ReportPeriodTests
{
    [Fact]
    public void A_month_runs_from_local_midnight_of_the_first_to_local_midnight_after_the_last_day()
    {
        var november = ReportPeriod.Month(2026, 11);

        Assert.Equal(new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero), november.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), november.End);
        Assert.Equal(30, november.Days);
    }

    [Fact]
    public void The_previous_period_has_as_many_days_just_before_and_last_year_is_the_same_dates()
    {
        var november = ReportPeriod.Month(2026, 11);

        Assert.Equal(new ReportPeriod(new DateOnly(2026, 10, 2), new DateOnly(2026, 10, 31)), november.Previous);
        Assert.Equal(new ReportPeriod(new DateOnly(2025, 11, 1), new DateOnly(2025, 11, 30)), november.LastYear);
    }

    [Fact]
    public void A_reversed_or_too_long_period_is_refused_naming_the_end()
    {
        Assert.Equal("to", ReportPeriod.Check(new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 1))?.Field);
        Assert.Equal("to", ReportPeriod.Check(new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 2))?.Field);
        Assert.Null(ReportPeriod.Check(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
    }

    [Fact]
    public void Buckets_start_on_monday_the_first_of_the_month_quarter_and_year()
    {
        var day = new DateOnly(2026, 11, 5); // a Thursday

        Assert.Equal(new DateOnly(2026, 11, 2), ReportPeriod.Bucket(day, TimeGrain.Week));
        Assert.Equal(new DateOnly(2026, 11, 1), ReportPeriod.Bucket(day, TimeGrain.Month));
        Assert.Equal(new DateOnly(2026, 10, 1), ReportPeriod.Bucket(day, TimeGrain.Quarter));
        Assert.Equal(new DateOnly(2026, 1, 1), ReportPeriod.Bucket(day, TimeGrain.Year));
    }

    [Fact]
    public void A_change_compares_with_the_earlier_figure_and_is_absent_without_one()
    {
        Assert.Equal(0.25, new Comparison(125, 100).Change);
        Assert.Null(new Comparison(5, 0).Change);
        Assert.Null(new Comparison(5, null).Change);
    }
}
