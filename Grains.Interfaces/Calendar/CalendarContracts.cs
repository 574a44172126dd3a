namespace Hotline.Calendar;

/// <summary>
/// One year of the work calendar: public holidays (法定节假日) that fall on working days and weekend days
/// that are working days because a holiday moved (调休上班). Admins edit it every year when the State
/// Council publishes the holiday arrangement.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.CalendarYear")]
public sealed record CalendarYear(
    [property: Id(0)] int Year,
    [property: Id(1)] IReadOnlyList<DateOnly> Holidays,
    [property: Id(2)] IReadOnlyList<DateOnly> WorkingWeekendDays);

/// <summary>The centre's work calendar (key "centre"): every configured year.</summary>
[Alias("hotline.IWorkCalendarGrain")]
public interface IWorkCalendarGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    /// <summary>The year as configured, or an empty year (weekends only) with <c>null</c> when never configured.</summary>
    [Alias("GetYear")] Task<CalendarYear?> GetYearAsync(int year);
    [Alias("SetYear")] Task<CalendarYear> SetYearAsync(CalendarYear year);
    [Alias("GetAll")] Task<IReadOnlyList<CalendarYear>> GetAllAsync();
}
