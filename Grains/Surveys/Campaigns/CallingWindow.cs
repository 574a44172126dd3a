using Hotline.Calendar;

namespace Hotline.Surveys;

/// <summary>
/// When a campaign may start a call: between <see cref="CampaignSettings.WindowStart"/> and
/// <see cref="CampaignSettings.WindowEnd"/> Beijing time, on working days of the work calendar unless the campaign
/// calls every day. Plain class, no clock: every instant comes in.
/// </summary>
public sealed class CallingWindow(WorkCalendar calendar, TimeOnly start, TimeOnly end, bool workingDaysOnly)
{
    public static CallingWindow For(CampaignSettings settings, WorkCalendar calendar) =>
        new(calendar, settings.WindowStart, settings.WindowEnd, settings.WorkingDaysOnly);

    public bool IsOpen(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, calendar.Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return CallsOn(day) && time >= start && time < end;
    }

    /// <summary><paramref name="at"/> itself when the window is open then, otherwise when it next opens.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset at)
    {
        if (IsOpen(at)) return at;
        var local = TimeZoneInfo.ConvertTime(at, calendar.Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (!CallsOn(day) || TimeOnly.FromDateTime(local.DateTime) >= end) day = day.AddDays(1);
        for (var i = 0; i < 400 && !CallsOn(day); i++) day = day.AddDays(1);
        var opening = day.ToDateTime(start);
        return new DateTimeOffset(opening, calendar.Zone.GetUtcOffset(opening));
    }

    private bool CallsOn(DateOnly day) => !workingDaysOnly || calendar.IsWorkingDay(day);
}
