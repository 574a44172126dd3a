namespace Hotline.Calendar;

/// <summary>
/// The work calendar (工作日历) that every time limit (限时办理) is counted on. Which days are working days
/// is data, not a rule: the State Council publishes each year's holidays (法定节假日) and the weekend days
/// worked in exchange (调休上班), and admins enter them per year (<see cref="CalendarYear"/>).
/// A year nobody configured counts Monday to Friday only; <see cref="IsConfigured"/> lets callers warn.
/// <para>
/// All instants go in and come out as <see cref="DateTimeOffset"/>; days and office hours are read in the
/// calendar's zone (China Standard Time, +08:00, for the hotline) and results carry that zone's offset.
/// Plain class, no clock: the caller passes every instant in.
/// </para>
/// </summary>
public sealed class WorkCalendar
{
    /// <summary>A run of this many non-working days in a row means the calendar data is broken.</summary>
    private const int MaxDaysWithoutWork = 366;

    private readonly HashSet<DateOnly> _holidays = [];
    private readonly HashSet<DateOnly> _workingWeekendDays = [];
    private readonly HashSet<int> _configuredYears = [];

    /// <param name="years">The configured years; a date may appear in the neighbouring year's list
    /// (the notice for a year sometimes starts the New Year's holiday on 30 or 31 December).</param>
    /// <param name="hours">Office hours of a working day.</param>
    /// <param name="zone">The zone days and office hours are read in.</param>
    /// <param name="countStartDay">Whether the day a limit starts on counts as its first working day.
    /// By default it does not: limits run from the next day (自受理之次日起算), the usual rule for
    /// administrative time limits, so an order registered on Monday at 09:05 and one registered at 17:00
    /// get the same "within N working days" deadline.</param>
    public WorkCalendar(IEnumerable<CalendarYear> years, WorkingHours hours, TimeZoneInfo zone, bool countStartDay = false)
    {
        ArgumentNullException.ThrowIfNull(years);
        Hours = hours ?? throw new ArgumentNullException(nameof(hours));
        Zone = zone ?? throw new ArgumentNullException(nameof(zone));
        CountStartDay = countStartDay;
        foreach (var year in years)
        {
            if (!_configuredYears.Add(year.Year))
                throw new ArgumentException($"The year {year.Year} is configured twice.", nameof(years));
            _holidays.UnionWith(year.Holidays);
            _workingWeekendDays.UnionWith(year.WorkingWeekendDays);
        }
        var both = _holidays.Intersect(_workingWeekendDays).Order().ToList();
        if (both.Count > 0)
            throw new ArgumentException(
                $"{string.Join(", ", both.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))} cannot be both a holiday and a working day.",
                nameof(years));
    }

    /// <summary>China Standard Time (Asia/Shanghai, UTC+08:00, no daylight saving), from the system's tzdata.</summary>
    public static TimeZoneInfo ChinaStandardTime { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The hotline's usual calendar: these years, 09:00–12:00 and 13:30–17:30, Beijing time.</summary>
    public static WorkCalendar China(IEnumerable<CalendarYear> years) => new(years, WorkingHours.Default, ChinaStandardTime);

    public WorkingHours Hours { get; }
    public TimeZoneInfo Zone { get; }
    public bool CountStartDay { get; }

    /// <summary>Whether admins entered this year's holidays; if not, only weekends are days off and deadlines may be wrong.</summary>
    public bool IsConfigured(int year) => _configuredYears.Contains(year);

    /// <summary>A configured holiday is off, a configured weekend working day (调休上班) is on, otherwise Monday to Friday.</summary>
    public bool IsWorkingDay(DateOnly day)
    {
        if (_holidays.Contains(day)) return false;
        if (_workingWeekendDays.Contains(day)) return true;
        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>
    /// The deadline "within <paramref name="days"/> working days" of <paramref name="start"/>: the close of
    /// business of the N-th working day after the day of <paramref name="start"/> (that day itself does not
    /// count unless <see cref="CountStartDay"/> is set and <paramref name="start"/> falls before its close
    /// of business). Zero days returns <paramref name="start"/> unchanged.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        if (days == 0) return ToZone(start);
        var local = ToZone(start);
        var day = DateOnly.FromDateTime(local.DateTime);
        var remaining = days;
        if (CountStartDay && IsWorkingDay(day) && local < At(day, Hours.CloseOfBusiness)) remaining--;
        while (remaining > 0)
        {
            day = NextWorkingDay(day);
            remaining--;
        }
        return At(day, Hours.CloseOfBusiness);
    }

    /// <summary>
    /// The instant when <paramref name="duration"/> of working time has passed since <paramref name="start"/>,
    /// spent period by period (a start outside office hours counts from the next period's start). Used for
    /// urgent categories whose limits are in working hours. A limit that ends exactly at the end of a
    /// period ends there, not at the start of the next one.
    /// </summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var cursor = ToZone(start);
        if (duration == TimeSpan.Zero) return cursor;
        var remaining = duration;
        var day = DateOnly.FromDateTime(cursor.DateTime);
        if (!IsWorkingDay(day)) day = NextWorkingDay(day);
        while (true)
        {
            foreach (var period in Hours.Periods)
            {
                var periodEnd = At(day, period.End);
                if (periodEnd <= cursor) continue;
                var from = Max(cursor, At(day, period.Start));
                var available = periodEnd - from;
                if (remaining <= available) return ToZone(from + remaining);
                remaining -= available;
            }
            day = NextWorkingDay(day);
        }
    }

    /// <summary>Working time between two instants; negative when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from) return -WorkingTimeBetween(to, from);
        var total = TimeSpan.Zero;
        var last = DateOnly.FromDateTime(ToZone(to).DateTime);
        for (var day = DateOnly.FromDateTime(ToZone(from).DateTime); day <= last; day = day.AddDays(1))
        {
            if (!IsWorkingDay(day)) continue;
            foreach (var period in Hours.Periods)
            {
                var overlap = Min(to, At(day, period.End)) - Max(from, At(day, period.Start));
                if (overlap > TimeSpan.Zero) total += overlap;
            }
        }
        return total;
    }

    /// <summary>
    /// The instant when <paramref name="share"/> of the working time from <paramref name="start"/> to
    /// <paramref name="deadline"/> has passed, rounded to the second: the automatic urge (自动催办) at 80%
    /// of a limit. A deadline at or before the start returns the deadline.
    /// </summary>
    public DateTimeOffset AtShare(DateTimeOffset start, DateTimeOffset deadline, double share)
    {
        if (double.IsNaN(share) || share < 0 || share > 1)
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share of a time limit is between 0 and 1.");
        var total = WorkingTimeBetween(start, deadline);
        if (total <= TimeSpan.Zero) return ToZone(deadline);
        return AddWorkingTime(start, TimeSpan.FromSeconds(Math.Round(total.TotalSeconds * share)));
    }

    /// <summary>An instant expressed in the calendar's zone (+08:00 for China).</summary>
    public DateTimeOffset ToZone(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    private DateOnly NextWorkingDay(DateOnly after)
    {
        var day = after;
        for (var i = 0; i < MaxDaysWithoutWork; i++)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) return day;
        }
        throw new InvalidOperationException($"The work calendar has no working day in the {MaxDaysWithoutWork} days after {after:O}; check the configured holidays.");
    }

    private DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
