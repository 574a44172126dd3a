using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.ReadModel.Tickets;
using Hotline.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hotline.Api.Apis;

/// <summary>
/// Work orders (工单): registering, the lists and search from the read model, one order and its history from
/// its grain, and every action of the life cycle. The grain decides what the order's state and the actor's
/// role allow (409, 403); the API validates bodies (400), hides orders from departments not handling
/// them (the same 404 as an unknown number), and gives with every order the actions its caller may take
/// now, by the same rule (<see cref="TicketLifecycle.ActionsFor"/>).
/// </summary>
public static class TicketsApi
{
    public const int MaxNote = 500;
    public const int MaxReply = 4000;

    public static RouteGroupBuilder MapTicketsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tickets", Register).WithTags("Tickets").RequireAuthorization(Policies.TicketsCreate)
            .AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Register a work order (登记); accepts an Idempotency-Key header");
        app.MapGet("/api/tickets", List).WithTags("Tickets").RequireAuthorization(Policies.TicketsRead)
            .WithSummary("Work orders from the read model, newest first (sort=due: due soonest), with the total");

        var api = app.MapGroup("/api/tickets/{number}").WithTags("Tickets").AddEndpointFilter<RequireClusterFilter>();
        var read = api.MapGroup("").RequireAuthorization(Policies.TicketsRead);
        read.MapGet("", Get).WithSummary("One work order, live from its grain");
        read.MapGet("/history", History).WithSummary("Every action on the order: who, role, when, what, note");

        var act = api.MapGroup("").RequireAuthorization(Policies.TicketsAct);
        act.MapPost("/dispatch", Dispatch).WithSummary("派单: to a lead department and optional co-handling departments");
        act.MapPost("/sign", (string number, ClaimsPrincipal user, IClusterClient cluster) =>
            Act(number, user, cluster, TicketCommand.Sign, new FieldErrors(), (t, by) => t.SignAsync(by))).WithSummary("签收 by the lead department");
        act.MapPost("/return", Return).WithSummary("回退 with a reason: not this department's matter");
        act.MapPost("/extend", Extend).WithSummary("延期: ask for more working days");
        act.MapPost("/extend/approve", (string number, NoteRequest? body, ClaimsPrincipal user, IClusterClient cluster) =>
            WithNote(number, body, user, cluster, TicketCommand.ApproveExtension, (t, note, by) => t.ApproveExtensionAsync(note, by)))
            .WithSummary("Approve the pending extension: the reply and finish limits move by its working days");
        act.MapPost("/extend/reject", (string number, NoteRequest? body, ClaimsPrincipal user, IClusterClient cluster) =>
            WithNote(number, body, user, cluster, TicketCommand.RejectExtension, (t, note, by) => t.RejectExtensionAsync(note, by)))
            .WithSummary("Reject the pending extension");
        act.MapPost("/reply", Reply).WithSummary("答复: the department's answer to the citizen");
        act.MapPost("/urge", (string number, NoteRequest? body, ClaimsPrincipal user, IClusterClient cluster) =>
            WithNote(number, body, user, cluster, TicketCommand.Urge, (t, note, by) => t.UrgeAsync(note, by))).WithSummary("催办");
        act.MapPost("/urge/schedule", ScheduleUrge).WithSummary("定时催办: urge automatically at this time");
        act.MapPost("/supervise", (string number, NoteRequest? body, ClaimsPrincipal user, IClusterClient cluster) =>
            WithNote(number, body, user, cluster, TicketCommand.Supervise, (t, note, by) => t.SuperviseAsync(note, by))).WithSummary("督办");
        act.MapPost("/visit", Visit).WithSummary("回访: satisfied or basically closes the order, unsatisfied reopens it");
        act.MapPost("/reopen", Reopen).WithSummary("重办 with a reason");
        act.MapPost("/close", (string number, ClaimsPrincipal user, IClusterClient cluster) =>
            Act(number, user, cluster, TicketCommand.Close, new FieldErrors(), (t, by) => t.CloseAsync(by))).WithSummary("办结归档 without a visit");
        act.MapPost("/merge", Merge).WithSummary("并单: this order is a duplicate of another, which carries on and lists it");
        return api;
    }

    internal static async Task<Results<Created<TicketResponse>, Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Register(
        TicketIntakeRequest body,
        [FromHeader(Name = IdempotencyStore.Header)] string? idempotencyKey,
        IClusterClient cluster,
        IdempotencyStore idempotency,
        Hotline.Api.Integrations.IntegrationsDatabase database,
        Hotline.Api.Integrations.IdempotentSubmissions submissions,
        ClaimsPrincipal user,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(idempotencyKey is null || idempotencyKey.Length is > 0 and <= 128, IdempotencyStore.Header, "Must be 1 to 128 characters.");
        var intake = TicketIntakeValidation.Validate(body, await KnownCategoriesAsync(cluster), phoneRequired: false, errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var actor = user.ActorForRegistering();
        Task<TicketSnapshot> Run() => cluster.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(intake!, actor);

        if (idempotencyKey is null)
        {
            var ticket = await Run();
            return TypedResults.Created($"/api/tickets/{ticket.Number}", Response(ticket, user));
        }
        var fingerprint = System.Text.Json.JsonSerializer.Serialize(body);
        if (database.Available)
        {
            // In PostgreSQL, so that every API process behind the load balancer knows the key (and a restart forgets nothing).
            return await submissions.RunAsync("tickets:" + user.JobNo(), idempotencyKey, fingerprint, async () => (await Run()).Number, ct) switch
            {
                Hotline.Api.Integrations.Submission.Done { Replayed: false } done =>
                    TypedResults.Created($"/api/tickets/{done.TicketNumber}", Response(await cluster.GetGrain<ITicketGrain>(done.TicketNumber).GetAsync(), user)),
                Hotline.Api.Integrations.Submission.Done done => TypedResults.Ok(Response(await cluster.GetGrain<ITicketGrain>(done.TicketNumber).GetAsync(), user)),
                _ => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was already used with a different request."),
            };
        }
        // The Localhost development mode has no database: this process's memory.
        return await idempotency.RunAsync(user.JobNo(), idempotencyKey, fingerprint, Run) switch
        {
            IdempotencyStore.Outcome<TicketSnapshot>.Done { Replayed: false } done =>
                TypedResults.Created($"/api/tickets/{done.Value.Number}", Response(done.Value, user)),
            IdempotencyStore.Outcome<TicketSnapshot>.Done done => TypedResults.Ok(Response(done.Value, user)),
            _ => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request."),
        };
    }

    internal static async Task<Results<Ok<TicketListResponse>, ValidationProblem>> List(
        [AsParameters] TicketListQuery query, ITicketRecords records, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        // Looking orders up by a number reveals whose they are: only for those who see callers' numbers anyway.
        errors.Check(query.Phone is null || user.SeesCallerContact(), "phone", "Your roles see callers' numbers masked: search by number is not allowed.");
        var filter = query.ToFilter(errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        return TypedResults.Ok(await ListAsync(filter! with { Scope = user.TicketScope() }, records, user, ct));
    }

    /// <summary>A page of the read model, phones masked for those who may not see them.</summary>
    internal static async Task<TicketListResponse> ListAsync(TicketFilter filter, ITicketRecords records, ClaimsPrincipal user, CancellationToken ct)
    {
        var (total, items) = await records.ListAsync(filter, ct);
        var showContact = user.SeesCallerContact();
        var shown = items.Select(i => i with
        {
            CallerPhone = showContact ? i.CallerPhone : PhoneMask.MaskOrNull(i.CallerPhone),
            Actions = user.ActionsOn(i.Facts()),
        }).ToArray();
        return new TicketListResponse(total, filter.Page, filter.PageSize, shown);
    }

    internal static async Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Get(
        string number, IClusterClient cluster, ClaimsPrincipal user)
    {
        if (!TicketNumberCheck.IsValid(number)) return ApiProblems.Validation("number", TicketNumberCheck.Rule);
        var ticket = await cluster.GetGrain<ITicketGrain>(number).GetAsync();
        return user.MaySee(ticket) ? TypedResults.Ok(Response(ticket, user)) : TicketNotFound(number);
    }

    internal static async Task<Results<Ok<TicketHistoryItem[]>, ValidationProblem, ProblemHttpResult>> History(
        string number, IClusterClient cluster, ClaimsPrincipal user)
    {
        if (!TicketNumberCheck.IsValid(number)) return ApiProblems.Validation("number", TicketNumberCheck.Rule);
        var grain = cluster.GetGrain<ITicketGrain>(number);
        if (user.TicketScope() is not null && !user.MaySee(await grain.GetAsync())) return TicketNotFound(number);
        var history = await grain.GetHistoryAsync();
        return TypedResults.Ok(history.Select(TicketHistoryItem.FromGrain).ToArray());
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Dispatch(
        string number, DispatchRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(body.Lead)) errors.Add("lead", "Required.");
        else errors.Check(InputRules.Slug().IsMatch(body.Lead), "lead", "Not a department id.");
        var co = new List<string>();
        var requested = body.Co ?? [];
        errors.Check(requested.Count <= 10, "co", "At most 10 co-handling departments.");
        for (var i = 0; i < requested.Count; i++)
        {
            var id = requested[i];
            if (id is null || !InputRules.Slug().IsMatch(id)) errors.Add($"co[{i}]", "Not a department id.");
            else if (id == body.Lead) errors.Add($"co[{i}]", "The lead department cannot also co-handle the order.");
            else if (co.Contains(id)) errors.Add($"co[{i}]", $"Department '{id}' is listed twice.");
            else co.Add(id);
        }
        var note = TicketIntakeValidation.Optional(body.Note, "note", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.Dispatch, errors, (t, by) => t.DispatchAsync(body.Lead!, co, note, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Return(
        string number, ReasonRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var reason = TicketIntakeValidation.Required(body.Reason, "reason", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.Return, errors, (t, by) => t.ReturnAsync(reason!, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Extend(
        string number, ExtendRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        if (body.WorkingDays is null) errors.Add("workingDays", "Required.");
        else errors.Range(body.WorkingDays, 1, 60, "workingDays");
        var reason = TicketIntakeValidation.Required(body.Reason, "reason", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.RequestExtension, errors,
            (t, by) => t.RequestExtensionAsync(body.WorkingDays!.Value, reason!, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Reply(
        string number, ReplyRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var text = TicketIntakeValidation.Required(body.Text, "text", MaxReply, errors);
        return Act(number, user, cluster, TicketCommand.Reply, errors, (t, by) => t.ReplyAsync(text!, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> ScheduleUrge(
        string number, ScheduleUrgeRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        errors.Check(body.At is not null, "at", "Required: an instant with its offset (2026-11-23T09:30:00+08:00).");
        var note = TicketIntakeValidation.Optional(body.Note, "note", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.ScheduleUrge, errors, (t, by) => t.ScheduleUrgeAsync(body.At!.Value, note, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Visit(
        string number, VisitRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        Satisfaction satisfaction = default;
        if (body.Satisfaction is null) errors.Add("satisfaction", "Required.");
        else if (!ApiNames.TryParseSatisfaction(body.Satisfaction, out satisfaction))
            errors.Add("satisfaction", $"Must be one of {string.Join(", ", ApiNames.Satisfactions)}.");
        var note = TicketIntakeValidation.Optional(body.Note, "note", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.Visit, errors, (t, by) => t.VisitAsync(satisfaction, note, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Reopen(
        string number, ReasonRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var reason = TicketIntakeValidation.Required(body.Reason, "reason", MaxNote, errors);
        return Act(number, user, cluster, TicketCommand.Reopen, errors, (t, by) => t.ReopenAsync(reason!, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Merge(
        string number, MergeRequest body, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        if (body.Into is null) errors.Add("into", "Required.");
        else if (!TicketNumberCheck.IsValid(body.Into)) errors.Add("into", TicketNumberCheck.Rule);
        else errors.Check(body.Into != number, "into", "A work order cannot be merged into itself.");
        return Act(number, user, cluster, TicketCommand.Merge, errors, (t, by) => t.MergeAsync(body.Into!, by));
    }

    internal static Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> WithNote(
        string number, NoteRequest? body, ClaimsPrincipal user, IClusterClient cluster, TicketCommand action,
        Func<ITicketGrain, string?, Actor, Task<TicketSnapshot>> command)
    {
        var errors = new FieldErrors();
        var note = TicketIntakeValidation.Optional(body?.Note, "note", MaxNote, errors);
        return Act(number, user, cluster, action, errors, (t, by) => command(t, note, by));
    }

    /// <summary>Checks the number and the body's errors, hides the order from an uninvolved department, then runs the command.</summary>
    internal static async Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> Act(
        string number, ClaimsPrincipal user, IClusterClient cluster, TicketCommand action, FieldErrors errors,
        Func<ITicketGrain, Actor, Task<TicketSnapshot>> command)
    {
        errors.Check(TicketNumberCheck.IsValid(number), "number", TicketNumberCheck.Rule);
        if (errors.TryGetProblem(out var problem)) return problem;
        var grain = cluster.GetGrain<ITicketGrain>(number);
        if (user.TicketScope() is not null && !user.MaySee(await grain.GetAsync())) return TicketNotFound(number);
        var ticket = await command(grain, user.ActorFor(action));
        return TypedResults.Ok(Response(ticket, user));
    }

    /// <summary>The order as this user sees it: the caller's phone masked unless they may see it, and their actions on it now.</summary>
    internal static TicketResponse Response(TicketSnapshot ticket, ClaimsPrincipal user) =>
        TicketResponse.FromGrain(ticket, user.SeesCallerContact(), user.ActionsOn(TicketFacts.Of(ticket)));

    internal static async Task<IReadOnlySet<string>> KnownCategoriesAsync(IClusterClient cluster)
    {
        var catalogue = await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync();
        return catalogue.Categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Word for word what the grain says for an unknown number, so a hidden order looks like no order.</summary>
    internal static ProblemHttpResult TicketNotFound(string number) =>
        ApiProblems.NotFound(ProblemCodes.TicketNotFound, $"Work order {number} does not exist.");
}
