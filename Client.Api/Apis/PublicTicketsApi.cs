using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Hosting;
using Hotline.Api.Problems;
using Hotline.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// Citizens' routes (no sign-in, rate limited per client address): the status of an order by its number and
/// the caller's phone, and the web form (网上受理).
/// </summary>
public static class PublicTicketsApi
{
    /// <summary>Web orders are registered as this machine actor: <c>integration</c> is the one machine role the life cycle lets register.</summary>
    public static readonly Actor WebActor = new("web", Roles.Integration, null);

    public static RouteGroupBuilder MapPublicTicketsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/public/tickets").WithTags("Public (citizens)")
            .AllowAnonymous()
            .RequireRateLimiting(PublicRateLimiting.Policy)
            .AddEndpointFilter<RequireClusterFilter>();
        app.MapPost("/api/public/tickets", Submit).WithTags("Public (citizens)")
            .AllowAnonymous()
            .RequireRateLimiting(PublicRateLimiting.Policy)
            .AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Submit a matter through the web (网上受理); the phone is required and proves the status query later");
        api.MapGet("/{number}", Status)
            .WithSummary("An order's progress and reply, when the phone proves the filer (its last four digits or the whole number); no personal data");
        return api;
    }

    internal static async Task<Results<Ok<PublicTicketStatus>, ValidationProblem, ProblemHttpResult>> Status(
        string number, string? phone, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        errors.Check(TicketNumberCheck.IsValid(number), "number", TicketNumberCheck.Rule);
        if (string.IsNullOrEmpty(phone)) errors.Add("phone", "Required: the last four digits of the phone number given with the matter, or the whole number.");
        else errors.Check(InputRules.Phone().IsMatch(phone) && phone.Count(char.IsAsciiDigit) >= 4, "phone", "Must be 4 to 20 digits.");
        if (errors.TryGetProblem(out var problem)) return problem;

        // A wrong phone gets the very answer an unknown number gets: the route must not confirm that an order exists.
        return await PublicTicketLookup.FindAsync(cluster, number, phone) is { IsFiler: true } view
            ? TypedResults.Ok(PublicTicketStatus.From(view))
            : TicketsApi.TicketNotFound(number);
    }

    internal static async Task<Results<Created<PublicTicketCreated>, ValidationProblem>> Submit(PublicTicketRequest body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var request = new TicketIntakeRequest(ApiNames.Of(TicketChannel.Web), body.Kind, body.Category, body.Caller, body.Summary, body.Content,
            body.Address, body.Location, body.District, CallId: null, ResolvedOnSpot: null);
        var intake = TicketIntakeValidation.Validate(request, await TicketsApi.KnownCategoriesAsync(cluster), phoneRequired: true, errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var ticket = await cluster.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(intake!, WebActor);
        return TypedResults.Created($"/api/public/tickets/{ticket.Number}", new PublicTicketCreated(ticket.Number));
    }
}
