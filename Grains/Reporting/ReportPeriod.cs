namespace Hotline.Reporting;

/// <summary>How report rows are grouped in time.</summary>
public enum TimeGrain
{
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>
/// A report's period: whole local days (China time, UTC+8, the hotline's day) from <see cref="From"/> to
/// <see cref="To"/>, both included. Previous is the same number of days just before (环比); last year the same dates
/// a year earlier (同比).
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The longest period a report answers for: a year and a day, so a leap year fits.</summary>
    public const int MaxDays = 366;

    /// <summary>The hotline's local offset. China keeps no summer time, so a fixed offset is exact.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The first instant of the period.</summary>
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The first instant after the period.</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), Offset);

    public ReportPeriod Previous => new(From.AddDays(-Days), From.AddDays(-1));

    public ReportPeriod LastYear => new(From.AddYears(-1), To.AddYears(-1));

    /// <summary>A calendar month (月报).</summary>
    public static ReportPeriod Month(int year, int month) =>
        new(new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1).AddDays(-1));

    /// <summary>The local day an instant falls on.</summary>
    public static DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>The local hour (0–23) an instant falls in.</summary>
    public static int LocalHour(DateTimeOffset at) => at.ToOffset(Offset).Hour;

    /// <summary>The first day of the bucket <paramref name="day"/> falls in (weeks start on Monday, ISO).</summary>
    public static DateOnly Bucket(DateOnly day, TimeGrain grain) => grain switch
    {
        TimeGrain.Day => day,
        TimeGrain.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        TimeGrain.Month => new DateOnly(day.Year, day.Month, 1),
        TimeGrain.Quarter => new DateOnly(day.Year, (day.Month - 1) / 3 * 3 + 1, 1),
        TimeGrain.Year => new DateOnly(day.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(grain)),
    };

    /// <summary>Why a requested period cannot be reported, or null when it can.</summary>
    public static (string Field, string Message)? Check(DateOnly from, DateOnly to)
    {
        if (to < from) return ("to", $"The period ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).");
        if (to.DayNumber - from.DayNumber + 1 > MaxDays) return ("to", $"A report covers at most {MaxDays} days.");
        return null;
    }
}

/// <summary>A figure and the same figure in a comparison period, with the change (同比/环比).</summary>
public sealed record Comparison(double? Current, double? Before)
{
    /// <summary>The relative change (0.25 = up 25 %), null when there is nothing to compare with.</summary>
    public double? Change => Current is { } c && Before is { } b && b != 0 ? (c - b) / b : null;
}
