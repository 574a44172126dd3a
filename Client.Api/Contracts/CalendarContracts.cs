using Hotline.Calendar;

namespace Hotline.Api.Contracts;

/// <summary>
/// One year of the work calendar (工作日历): public holidays (法定节假日) and weekend days worked in exchange
/// (调休上班). <c>configured</c> is false for a year nobody entered: then only weekends are days off.
/// </summary>
public sealed record CalendarYearResponse(int Year, IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> WorkingWeekendDays, bool Configured)
{
    public static CalendarYearResponse FromGrain(int year, CalendarYear? configured) => configured is null
        ? new(year, [], [], false)
        : new(year, configured.Holidays, configured.WorkingWeekendDays, true);
}

/// <summary>The body of <c>PUT /api/calendar/{year}</c>: dates as <c>yyyy-MM-dd</c>.</summary>
public sealed record CalendarYearRequest(IReadOnlyList<string?>? Holidays, IReadOnlyList<string?>? WorkingWeekendDays);
