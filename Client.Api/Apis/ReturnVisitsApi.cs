using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Surveys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// Return visits (回访) under <c>/api/return-visits</c>: a campaign over the work orders a department replied to within a
/// period, dialled like a survey; each citizen's satisfaction goes back onto the order, and a department's satisfaction
/// rate is counted from those verdicts.
/// </summary>
public static class ReturnVisitsApi
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/return-visits").WithTags("Return visits").RequireAuthorization(Policies.CampaignsRead)
            .AddEndpointFilter<RequireSurveyDatabaseFilter>().AddEndpointFilter<RequireClusterFilter>();
        api.MapPost("/campaigns", Create).RequireAuthorization(Policies.ReturnVisitsManage)
            .WithSummary("Set up a return-visit campaign: work orders replied in [from, to) by a department (or all), not yet visited");
        api.MapGet("/satisfaction", Satisfaction)
            .WithSummary("Satisfaction per department over the return visits of a period (满意率: satisfied and basically satisfied)");
    }

    internal static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> Create(
        ReturnVisitCampaignRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = TicketIntakeValidation.Required(body.Name, "name", 100, errors);
        errors.Check(body.From is not null, "from", "Required: the start of the period the orders were replied in.");
        errors.Check(body.To is not null, "to", "Required: the end of the period (exclusive).");
        if (body.From is { } f && body.To is { } t) errors.Check(f < t && t - f <= TimeSpan.FromDays(366), "to", "After from, and at most a year later.");
        errors.Check(body.Department is null || InputRules.QueueId().IsMatch(body.Department), "department", "A department id.");
        var settings = SurveyCampaignsApi.Settings(body.Lines, body.Seats, body.WindowStart, body.WindowEnd, body.WorkingDaysOnly, body.MaxAttempts, errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var store = SurveyCampaignsApi.Store(services);
        var cases = await store.VisitCasesAsync(body.Department, body.From!.Value, body.To!.Value, ct);
        if (cases.Count == 0)
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "return_visit.no_orders",
                "No replied work order of that department and period is waiting for a return visit.", SurveysApi.Field("from"));
        var id = await store.CreateAsync(name!, "return_visit", null, null, null, body.Department, body.From, body.To, user.JobNo(), ct);
        return await SurveyCampaignsApi.ConfigureAsync(services, id, settings! with { Name = name!, Kind = CampaignKind.ReturnVisit }, cases, ct);
    }

    internal static async Task<Results<Ok<IReadOnlyList<DepartmentSatisfaction>>, ValidationProblem>> Satisfaction(
        DateTimeOffset? from, DateTimeOffset? to, IServiceProvider services, CancellationToken ct)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (start, end) = (from ?? now.AddDays(-30), to ?? now.AddDays(1));
        if (start >= end) return ApiProblems.Validation("to", "After from.");
        return TypedResults.Ok<IReadOnlyList<DepartmentSatisfaction>>(await SurveyCampaignsApi.Store(services).SatisfactionAsync(start, end, ct));
    }
}
