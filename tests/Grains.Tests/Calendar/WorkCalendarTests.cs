using Hotline.Calendar;
using static Hotline.Tests.Calendar.China;

namespace Hotline.Tests.Calendar;

/// <summary>Deadlines on the real 2025 and 2026 arrangements (see <see cref="China"/>), all in Beijing time.</summary>
public sealed class WorkCalendarTests
{
    private readonly WorkCalendar _calendar = Calendar2025And2026;

    [Theory]
    [InlineData("2026-10-01", false)] // National Day, a Thursday
    [InlineData("2026-10-07", false)]
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)] // Saturday worked in exchange
    [InlineData("2026-10-11", false)] // an ordinary Sunday
    [InlineData("2026-09-20", true)] // Sunday worked in exchange
    [InlineData("2026-02-14", true)] // Saturday before the Spring Festival, worked
    [InlineData("2026-02-16", false)] // Spring Festival, a Monday
    [InlineData("2026-02-28", true)] // Saturday after it, worked
    [InlineData("2026-01-04", true)] // Sunday after New Year's Day, worked
    [InlineData("2026-03-02", true)] // an ordinary Monday
    [InlineData("2026-03-07", false)] // an ordinary Saturday
    public void A_day_is_a_working_day_as_the_published_arrangement_says(string day, bool working) =>
        Assert.Equal(working, _calendar.IsWorkingDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_deadline_across_the_National_Day_week_skips_the_holiday_and_counts_the_moved_Saturday()
    {
        var registered = Bj(2026, 9, 30, 10);

        Assert.Equal(Bj(2026, 10, 8, 17, 30), _calendar.AddWorkingDays(registered, 1));
        Assert.Equal(Bj(2026, 10, 9, 17, 30), _calendar.AddWorkingDays(registered, 2));
        Assert.Equal(Bj(2026, 10, 10, 17, 30), _calendar.AddWorkingDays(registered, 3)); // Saturday 10 Oct is worked
        Assert.Equal(Bj(2026, 10, 12, 17, 30), _calendar.AddWorkingDays(registered, 4)); // Sunday 11 Oct is not
    }

    [Fact]
    public void A_deadline_across_the_Spring_Festival_counts_both_moved_Saturdays()
    {
        var registered = Bj(2026, 2, 13, 15); // Friday before the holiday

        Assert.Equal(Bj(2026, 2, 14, 17, 30), _calendar.AddWorkingDays(registered, 1)); // Saturday, worked
        Assert.Equal(Bj(2026, 2, 24, 17, 30), _calendar.AddWorkingDays(registered, 2)); // 15–23 Feb off
        // 14, 24, 25, 26, 27, 28 (Saturday, worked), 2, 3, 4, 5 March.
        Assert.Equal(Bj(2026, 3, 5, 17, 30), _calendar.AddWorkingDays(registered, 10));
    }

    [Fact]
    public void The_day_of_registration_does_not_count_however_early_or_late_the_order_came_in()
    {
        Assert.Equal(Bj(2026, 3, 4, 17, 30), _calendar.AddWorkingDays(Bj(2026, 3, 2, 9, 5), 2));
        Assert.Equal(Bj(2026, 3, 4, 17, 30), _calendar.AddWorkingDays(Bj(2026, 3, 2, 23, 0), 2));
        Assert.Equal(Bj(2026, 3, 10, 17, 30), _calendar.AddWorkingDays(Bj(2026, 3, 7, 11, 0), 2)); // a Saturday: Monday is day 1
    }

    [Fact]
    public void Counting_the_start_day_makes_it_day_one_when_the_order_came_in_before_close_of_business()
    {
        var calendar = new WorkCalendar([Year2026], WorkingHours.Default, WorkCalendar.ChinaStandardTime, countStartDay: true);

        Assert.Equal(Bj(2026, 3, 3, 17, 30), calendar.AddWorkingDays(Bj(2026, 3, 2, 10), 2));
        Assert.Equal(Bj(2026, 3, 4, 17, 30), calendar.AddWorkingDays(Bj(2026, 3, 2, 18), 2));
        Assert.Equal(Bj(2026, 3, 10, 17, 30), calendar.AddWorkingDays(Bj(2026, 3, 7, 10), 2)); // Saturday never counts
    }

    [Fact]
    public void Zero_working_days_is_no_time_at_all()
    {
        Assert.Equal(Bj(2026, 3, 7, 10), _calendar.AddWorkingDays(Bj(2026, 3, 7, 10), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _calendar.AddWorkingDays(Bj(2026, 3, 7, 10), -1));
    }

    [Fact]
    public void At_the_turn_of_the_year_the_New_Year_holiday_and_the_worked_Sunday_of_the_next_year_count()
    {
        var registered = Bj(2025, 12, 31, 16); // a Wednesday

        // 1–3 January 2026 off; Sunday 4 January worked.
        Assert.Equal(Bj(2026, 1, 4, 17, 30), _calendar.AddWorkingDays(registered, 1));
        Assert.Equal(Bj(2026, 1, 5, 17, 30), _calendar.AddWorkingDays(registered, 2));
        // One hour left on 31 December, the other three on the worked Sunday.
        Assert.Equal(Bj(2026, 1, 4, 12, 0), _calendar.AddWorkingTime(Bj(2025, 12, 31, 16, 30), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void A_year_never_configured_counts_weekends_only_and_says_so()
    {
        var only2025 = CalendarOf(Year2025);

        Assert.True(only2025.IsConfigured(2025));
        Assert.False(only2025.IsConfigured(2026));
        Assert.True(only2025.IsWorkingDay(new DateOnly(2026, 1, 1))); // nobody said it is New Year's Day
        Assert.False(only2025.IsWorkingDay(new DateOnly(2026, 1, 4))); // nor that this Sunday is worked
        Assert.Equal(Bj(2026, 1, 2, 17, 30), only2025.AddWorkingDays(Bj(2025, 12, 31, 16), 2));

        Assert.False(_calendar.IsConfigured(2027));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2027, 1, 1))); // a Friday
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2027, 1, 2)));
    }

    [Theory]
    [InlineData(11, 0, 2, 14, 30)] // an hour before lunch, an hour after
    [InlineData(12, 30, 1, 14, 30)] // starting in the lunch break counts from 13:30
    [InlineData(7, 0, 1, 10, 0)] // before office hours counts from 09:00
    [InlineData(9, 0, 7, 17, 30)] // a full day ends at close of business, not at 09:00 the next day
    public void Working_hours_are_counted_period_by_period_around_lunch(int hour, int minute, int hours, int endHour, int endMinute) =>
        Assert.Equal(Bj(2026, 3, 2, endHour, endMinute), _calendar.AddWorkingTime(Bj(2026, 3, 2, hour, minute), TimeSpan.FromHours(hours)));

    [Fact]
    public void Working_hours_skip_the_weekend_and_the_evening()
    {
        Assert.Equal(Bj(2026, 3, 9, 11, 0), _calendar.AddWorkingTime(Bj(2026, 3, 6, 16, 30), TimeSpan.FromHours(3))); // Friday → Monday
        Assert.Equal(Bj(2026, 3, 9, 10, 0), _calendar.AddWorkingTime(Bj(2026, 3, 7, 20, 0), TimeSpan.FromHours(1))); // Saturday night
        Assert.Equal(Bj(2026, 3, 3, 9, 30), _calendar.AddWorkingTime(Bj(2026, 3, 2, 17, 15), TimeSpan.FromMinutes(45)));
    }

    [Fact]
    public void Working_hours_run_on_a_moved_Saturday()
    {
        Assert.Equal(Bj(2026, 10, 10, 10, 30), _calendar.AddWorkingTime(Bj(2026, 10, 9, 17, 0), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Results_are_in_Beijing_time_whatever_offset_the_input_had()
    {
        var utcNine = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero); // 09:00 in Beijing

        var oneHourLater = _calendar.AddWorkingTime(utcNine, TimeSpan.FromHours(1));
        var twoDaysLater = _calendar.AddWorkingDays(utcNine, 2);

        Assert.Equal(TimeSpan.FromHours(8), oneHourLater.Offset);
        Assert.Equal(Bj(2026, 3, 2, 10), oneHourLater);
        Assert.Equal(TimeSpan.FromHours(8), twoDaysLater.Offset);
        Assert.Equal(Bj(2026, 3, 4, 17, 30), twoDaysLater);
        // 23:30 UTC on Sunday is already Monday 07:30 in Beijing: Monday is the day of registration.
        Assert.Equal(Bj(2026, 3, 3, 17, 30), _calendar.AddWorkingDays(new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero), 1));
    }

    [Fact]
    public void Working_time_between_two_instants_leaves_out_nights_weekends_and_holidays()
    {
        Assert.Equal(TimeSpan.FromHours(3), _calendar.WorkingTimeBetween(Bj(2026, 3, 6, 16, 30), Bj(2026, 3, 9, 11, 0)));
        Assert.Equal(TimeSpan.FromHours(-3), _calendar.WorkingTimeBetween(Bj(2026, 3, 9, 11, 0), Bj(2026, 3, 6, 16, 30)));
        Assert.Equal(TimeSpan.FromHours(1), _calendar.WorkingTimeBetween(Bj(2026, 3, 2, 11, 30), Bj(2026, 3, 2, 14, 0)));
        // 13 February, the worked Saturday 14 February, then nothing until 24 February.
        Assert.Equal(TimeSpan.FromHours(21), _calendar.WorkingTimeBetween(Bj(2026, 2, 13, 9), Bj(2026, 2, 24, 17, 30)));
        Assert.Equal(TimeSpan.Zero, _calendar.WorkingTimeBetween(Bj(2026, 10, 1, 9), Bj(2026, 10, 7, 17, 30)));
    }

    [Fact]
    public void The_automatic_urge_falls_when_eighty_percent_of_the_working_time_has_passed()
    {
        // Consultation: registered Monday 09:00, due Wednesday 17:30; 21 working hours, 80% is 16 h 48 min.
        var start = Bj(2026, 3, 2, 9);
        var deadline = _calendar.AddWorkingDays(start, 2);

        Assert.Equal(Bj(2026, 3, 4, 17, 30), deadline);
        Assert.Equal(Bj(2026, 3, 4, 11, 48), _calendar.AtShare(start, deadline, 0.8));
    }

    [Fact]
    public void The_automatic_urge_skips_a_holiday_week_too()
    {
        // 6 h on 30 September, 7 h on 8 October, 7 h on 9 October: 80% of 20 h is 16 h, ending at noon on 9 October.
        var start = Bj(2026, 9, 30, 10);
        var deadline = _calendar.AddWorkingDays(start, 2);

        Assert.Equal(Bj(2026, 10, 9, 12, 0), _calendar.AtShare(start, deadline, 0.8));
        Assert.Equal(deadline, _calendar.AtShare(start, deadline, 1));
        Assert.Equal(start, _calendar.AtShare(deadline, start, 0.8)); // a limit already over: nothing to share
        Assert.Throws<ArgumentOutOfRangeException>(() => _calendar.AtShare(start, deadline, 1.5));
    }

    [Fact]
    public void Working_hours_must_be_ordered_and_must_not_overlap()
    {
        TimeOnly T(int h, int m = 0) => new(h, m);

        Assert.Throws<ArgumentException>(() => new WorkingHours([new(T(9), T(12)), new(T(11), T(17))]));
        Assert.Throws<ArgumentException>(() => new WorkingHours([new(T(13, 30), T(17, 30)), new(T(9), T(12))]));
        Assert.Throws<ArgumentException>(() => new WorkingHours([new(T(12), T(9))]));
        Assert.Throws<ArgumentException>(() => new WorkingHours([]));
        Assert.Equal(TimeSpan.FromHours(7), WorkingHours.Default.Daily);
        Assert.Equal(WorkingHours.Default, new WorkingHours([new(T(9), T(12)), new(T(13, 30), T(17, 30))]));
    }

    [Fact]
    public void A_calendar_refuses_a_year_twice_or_a_day_that_is_both_off_and_worked()
    {
        var clash = new CalendarYear(2026, [new DateOnly(2026, 10, 10)], [new DateOnly(2026, 10, 10)]);

        Assert.Throws<ArgumentException>(() => CalendarOf(Year2026, Year2026));
        Assert.Throws<ArgumentException>(() => CalendarOf(clash));
    }

    [Fact]
    public void The_hotline_zone_is_China_Standard_Time()
    {
        var zone = WorkCalendar.ChinaStandardTime;

        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTime(2026, 7, 15, 12, 0, 0, DateTimeKind.Utc)));
    }
}
