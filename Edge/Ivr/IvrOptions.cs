using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Hotline.Calendar;

namespace Hotline.Ivr;

/// <summary>IVR settings (section <c>Hotline:Ivr</c>).</summary>
public sealed class IvrOptions : IValidatableObject
{
    public const string Section = "Hotline:Ivr";

    /// <summary>
    /// Hours when agents answer (日服) on the work calendar's working days, as <c>HH:mm-HH:mm</c>, Beijing time by
    /// default; outside them, and on holidays and weekends that are not moved working days, the flow's time switch
    /// takes the night branch (夜服). An end of <c>24:00</c> is midnight at the end of the day: <c>00:00-24:00</c> with
    /// <see cref="ServiceOnDaysOff"/> is round-the-clock service.
    /// </summary>
    /// <remarks>Empty means <see cref="DefaultServiceHours"/>: a default inside the list would be kept by the
    /// configuration binder, which appends the configured periods to it.</remarks>
    public List<string> ServiceHours { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultServiceHours = ["08:00-20:00"];

    /// <summary>Whether agents also answer on days off (weekends, holidays); then only the hours count.</summary>
    public bool ServiceOnDaysOff { get; set; }

    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The folder of prompt WAV files (<c>{language}/{name}.wav</c>) the silo plays.</summary>
    public string PromptsPath { get; set; } = "prompts";

    /// <summary>Who the IVR acts as in a work order's history.</summary>
    public string ActorJobNo { get; set; } = "ivr";

    public ServiceDay ParseServiceHours() => ServiceDay.Parse(ServiceHours.Count == 0 ? DefaultServiceHours : ServiceHours);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        try
        {
            _ = ParseServiceHours();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            results.Add(new ValidationResult($"{Section}:ServiceHours: {e.Message}", [nameof(ServiceHours)]));
        }
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            results.Add(new ValidationResult($"{Section}:TimeZone: unknown time zone '{TimeZone}'.", [nameof(TimeZone)]));
        }
        return results;
    }

}

/// <summary>One stretch of service in a day, local time, from <see cref="Start"/> up to (not including) <see cref="End"/>, which may be 24:00.</summary>
public sealed record ServicePeriod(TimeSpan Start, TimeSpan End)
{
    public bool Contains(TimeSpan timeOfDay) => timeOfDay >= Start && timeOfDay < End;

    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    private static string Format(TimeSpan t) => $"{(int)t.TotalHours:D2}:{t.Minutes:D2}";
}

/// <summary>The hours of a service day (日服), in order and not overlapping.</summary>
public sealed record ServiceDay(IReadOnlyList<ServicePeriod> Periods)
{
    private static readonly TimeSpan Midnight = TimeSpan.FromHours(24);

    public bool Contains(TimeSpan timeOfDay) => Periods.Any(p => p.Contains(timeOfDay));

    /// <summary>Periods like <c>08:00-20:00</c>; an end of <c>24:00</c> runs to midnight. Throws <see cref="FormatException"/> naming the period.</summary>
    public static ServiceDay Parse(IEnumerable<string> periods)
    {
        var parsed = periods.Select(ParsePeriod).ToList();
        if (parsed.Count == 0) throw new FormatException("Service hours need at least one period.");
        for (var i = 1; i < parsed.Count; i++)
            if (parsed[i].Start < parsed[i - 1].End)
                throw new FormatException($"'{parsed[i]}' starts before '{parsed[i - 1]}' ends; periods must be in order and must not overlap.");
        return new ServiceDay(parsed);
    }

    private static ServicePeriod ParsePeriod(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || Time(parts[0]) is not { } start || Time(parts[1]) is not { } end)
            throw new FormatException($"'{text}' is not a period like 08:00-20:00 (24:00 ends at midnight).");
        if (start >= Midnight || end <= start)
            throw new FormatException($"'{text}' ends before it starts.");
        return new ServicePeriod(start, end);
    }

    private static TimeSpan? Time(string text)
    {
        if (text == "24:00") return Midnight;
        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time.ToTimeSpan() : null;
    }
}

/// <summary>Day or night service: whether agents answer at an instant. Plain class, no clock.</summary>
public static class ServiceHours
{
    public static bool IsOpen(WorkCalendar calendar, ServiceDay hours, bool onDaysOff, DateTimeOffset at)
    {
        var local = calendar.ToZone(at);
        if (!onDaysOff && !calendar.IsWorkingDay(DateOnly.FromDateTime(local.DateTime))) return false;
        return hours.Contains(local.TimeOfDay);
    }
}
