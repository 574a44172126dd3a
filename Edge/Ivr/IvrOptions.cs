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
    /// takes the night branch (夜服).
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

    public WorkingHours ParseServiceHours() => new((ServiceHours.Count == 0 ? DefaultServiceHours : ServiceHours).Select(ParsePeriod).ToList());

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

    private static WorkingPeriod ParsePeriod(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            throw new FormatException($"'{text}' is not a period like 08:00-20:00.");
        return new WorkingPeriod(start, end);
    }
}

/// <summary>Day or night service: whether agents answer at an instant. Plain class, no clock.</summary>
public static class ServiceHours
{
    public static bool IsOpen(WorkCalendar calendar, WorkingHours hours, bool onDaysOff, DateTimeOffset at)
    {
        var local = calendar.ToZone(at);
        if (!onDaysOff && !calendar.IsWorkingDay(DateOnly.FromDateTime(local.DateTime))) return false;
        var time = TimeOnly.FromDateTime(local.DateTime);
        return hours.Periods.Any(p => time >= p.Start && time < p.End);
    }
}
