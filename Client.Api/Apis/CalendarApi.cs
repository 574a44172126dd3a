using System.Globalization;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// The work calendar (工作日历) that time limits count on: per year, the public holidays and the weekend days
/// worked in exchange (调休), entered by admins when the State Council publishes the year's arrangement.
/// </summary>
public static class CalendarApi
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    public static RouteGroupBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/calendar").WithTags("Calendar").AddEndpointFilter<RequireClusterFilter>();
        api.MapGet("/{year:int}", Get).WithSummary("A year's holidays and moved working days (configured: false when never entered)");
        api.MapPut("/{year:int}", Save).RequireAuthorization(Policies.ReferenceDataWrite)
            .WithSummary("Replace a year's holidays and moved working days (admin)");
        return api;
    }

    internal static async Task<Results<Ok<CalendarYearResponse>, ValidationProblem>> Get(int year, IClusterClient cluster)
    {
        if (year is < MinYear or > MaxYear) return YearOutOfRange();
        var configured = await cluster.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).GetYearAsync(year);
        return TypedResults.Ok(CalendarYearResponse.FromGrain(year, configured));
    }

    internal static async Task<Results<Ok<CalendarYearResponse>, ValidationProblem>> Save(int year, CalendarYearRequest body, IClusterClient cluster)
    {
        if (year is < MinYear or > MaxYear) return YearOutOfRange();
        var errors = new FieldErrors();
        var holidays = Dates(body.Holidays, "holidays", year, weekendOnly: false, errors);
        var working = Dates(body.WorkingWeekendDays, "workingWeekendDays", year, weekendOnly: true, errors);
        foreach (var day in holidays.Intersect(working))
            errors.Add("workingWeekendDays", $"{day:yyyy-MM-dd} cannot be both a holiday and a working day.");
        if (errors.TryGetProblem(out var problem)) return problem;

        var saved = await cluster.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).SetYearAsync(new CalendarYear(year, holidays, working));
        return TypedResults.Ok(CalendarYearResponse.FromGrain(year, saved));
    }

    internal static List<DateOnly> Dates(IReadOnlyList<string?>? values, string field, int year, bool weekendOnly, FieldErrors errors)
    {
        var days = new List<DateOnly>();
        var requested = values ?? [];
        errors.Check(requested.Count <= 366, field, "At most 366 dates.");
        for (var i = 0; i < requested.Count; i++)
        {
            if (!DateOnly.TryParseExact(requested[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                errors.Add($"{field}[{i}]", "Must be a date: yyyy-MM-dd.");
            else if (day.Year != year) errors.Add($"{field}[{i}]", $"{day:yyyy-MM-dd} is not in {year}.");
            else if (weekendOnly && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                errors.Add($"{field}[{i}]", $"{day:yyyy-MM-dd} is a weekday; only weekend days can be moved working days (调休).");
            else days.Add(day);
        }
        return days.Distinct().Order().ToList();
    }

    internal static ValidationProblem YearOutOfRange() => ApiProblems.Validation("year", $"Must be between {MinYear} and {MaxYear}.");
}
