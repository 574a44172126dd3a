using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Calendar;

[GenerateSerializer, Alias("hotline.WorkCalendarState")]
public sealed class WorkCalendarState
{
    [Id(0)] public SortedDictionary<int, CalendarYear> Years { get; set; } = [];
}

/// <summary>The centre's work calendar, one entry per configured year.</summary>
[GrainType("work-calendar")]
public sealed class WorkCalendarGrain([PersistentState(GrainStorage.States.Calendar, GrainStorage.Hotline)] IPersistentState<WorkCalendarState> state)
    : Grain, IWorkCalendarGrain
{
    public Task<CalendarYear?> GetYearAsync(int year) => Task.FromResult(state.State.Years.GetValueOrDefault(year));

    public async Task<CalendarYear> SetYearAsync(CalendarYear year)
    {
        // A year's notice may reach into the neighbouring months (the 2024 New Year holiday began on 30 Dec 2023).
        var first = new DateOnly(year.Year - 1, 12, 1);
        var last = new DateOnly(year.Year + 1, 1, 31);
        if (year.Holidays.Concat(year.WorkingWeekendDays).FirstOrDefault(d => d < first || d > last) is { } stray && stray != default)
            throw new DomainException("validation.failed", $"{stray:yyyy-MM-dd} is too far from {year.Year} for its holiday arrangement.", status: 400);
        if (year.Holidays.Intersect(year.WorkingWeekendDays).FirstOrDefault() is { } both && both != default)
            throw new DomainException("validation.failed", $"{both:yyyy-MM-dd} cannot be both a holiday and a working day.", status: 400);
        if (year.WorkingWeekendDays.FirstOrDefault(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) is { } weekday && weekday != default)
            throw new DomainException("validation.failed", $"{weekday:yyyy-MM-dd} is a weekday; only weekend days can be moved working days (调休).", status: 400);

        var normalised = new CalendarYear(year.Year, year.Holidays.Distinct().Order().ToList(), year.WorkingWeekendDays.Distinct().Order().ToList());
        state.State.Years[year.Year] = normalised;
        await state.WriteStateAsync();
        return normalised;
    }

    public Task<IReadOnlyList<CalendarYear>> GetAllAsync() => Task.FromResult<IReadOnlyList<CalendarYear>>(state.State.Years.Values.ToList());
}
