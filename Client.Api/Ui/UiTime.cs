namespace Hotline.Api.Ui;

/// <summary>Times as the staff read them: Beijing time, and durations as m:ss or h:mm:ss.</summary>
public static class UiTime
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, China);

    public static string Clock(DateTimeOffset at) => Local(at).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset? at) =>
        at is { } a ? Local(a).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalHours >= 1
            ? $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}"
            : $"{span.Minutes}:{span.Seconds:00}";
    }

    /// <summary>Time left to a deadline, in words ("2天3小时" / "2d 3h"), negative when overdue.</summary>
    public static string Countdown(DateTimeOffset due, DateTimeOffset now, UiLanguage t)
    {
        var left = due - now;
        var overdue = left < TimeSpan.Zero;
        var span = overdue ? -left : left;
        var text = span.TotalDays >= 1
            ? t[$"{(int)span.TotalDays}天{span.Hours}小时", $"{(int)span.TotalDays}d {span.Hours}h"]
            : span.TotalHours >= 1
                ? t[$"{(int)span.TotalHours}小时{span.Minutes}分", $"{(int)span.TotalHours}h {span.Minutes}m"]
                : t[$"{span.Minutes}分", $"{span.Minutes}m"];
        return overdue ? t[$"超期 {text}", $"overdue {text}"] : t[$"剩 {text}", $"{text} left"];
    }
}
