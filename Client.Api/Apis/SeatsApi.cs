using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Apis;

/// <summary>Seats (座席): the agent's own commands and the supervisor's (班长席).</summary>
public static class SeatsApi
{
    public static RouteGroupBuilder MapSeatsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/seats").WithTags("Seats");

        api.MapGet("/not-ready-reasons", GetNotReadyReasons).WithSummary("The configured not-ready reasons (示忙原因)");

        app.MapGet("/api/seats", GetAll).WithTags("Seats").RequireAuthorization(Policies.SeatsReadAll).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Every seat, from the seat board");
        api.MapGet("/{jobNo}", Get).RequireAuthorization(Policies.SeatRead).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("One seat");

        var own = api.MapGroup("/{jobNo}").RequireAuthorization(Policies.SeatOwner).AddEndpointFilter<RequireClusterFilter>();
        own.MapPost("/login", Login).WithSummary("Sign the seat in (签入) to queues at proficiency levels");
        own.MapPost("/ready", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.ReadyAsync())).WithSummary("Ready (示闲)");
        own.MapPost("/not-ready", NotReady).WithSummary("Not ready (示忙) with a reason");
        own.MapPost("/logout", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.LogoutAsync())).WithSummary("Sign the seat out (签出)");
        own.MapPost("/wrap-up/done", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.WrapUpDoneAsync())).WithSummary("After-call work (话后整理) is done");
        own.MapPost("/answer", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.AnswerAsync())).WithSummary("Answer the offered call");
        own.MapPost("/hangup", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.HangupAsync())).WithSummary("Hang up the current call");
        own.MapPost("/hold", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.HoldAsync(true))).WithSummary("Put the caller on hold");
        own.MapPost("/unhold", (string jobNo, IClusterClient c) => Run(jobNo, c, s => s.HoldAsync(false))).WithSummary("Take the caller off hold");
        own.MapPost("/transfer", Transfer).WithSummary("Transfer the call to a seat, a queue, a department or a number");
        own.MapPost("/help", Help).WithSummary("Call the supervisor (求助班长)");
        own.MapPost("/transfer/complete", (string jobNo, IClusterClient c) => OnCall(jobNo, c, call => call.CompleteTransferAsync(jobNo)))
            .WithSummary("Attended transfer: hand the caller to the consulted party (咨询后转接)");
        own.MapPost("/transfer/cancel", (string jobNo, IClusterClient c) => OnCall(jobNo, c, call => call.DropPartyAsync(jobNo)))
            .WithSummary("Attended transfer: end the consultation and go back to the caller");
        own.MapPost("/conference", Conference).WithSummary("Three-way call (三方通话) with a seat, a department or a number");
        own.MapPost("/conference/end", (string jobNo, IClusterClient c) => OnCall(jobNo, c, call => call.DropPartyAsync(jobNo)))
            .WithSummary("Let the third party go; the caller and the agent stay");

        var supervisor = api.MapGroup("/{jobNo}").RequireAuthorization(Policies.SupervisorCommands).AddEndpointFilter<RequireClusterFilter>();
        supervisor.MapPost("/force-not-ready", ForceNotReady).WithSummary("Force the seat not ready (强制示忙)");
        supervisor.MapPost("/force-logout", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            Run(jobNo, c, s => s.ForceLogoutAsync(user.JobNo()))).WithSummary("Force the seat to sign out (勒令退出)");
        supervisor.MapPost("/help/clear", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            Run(jobNo, c, s => s.ClearHelpAsync(user.JobNo()))).WithSummary("Clear the seat's help request");
        supervisor.MapPost("/monitor", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            OnCall(jobNo, c, call => call.SuperviseAsync(user.JobNo(), ParticipantRole.Monitor))).WithSummary("Listen in (监听) on the supervisor's phone");
        supervisor.MapPost("/whisper", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            OnCall(jobNo, c, call => call.SuperviseAsync(user.JobNo(), ParticipantRole.Whisper))).WithSummary("Coach the agent (耳语): only the agent hears the supervisor");
        supervisor.MapPost("/barge", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            OnCall(jobNo, c, call => call.SuperviseAsync(user.JobNo(), ParticipantRole.Barge))).WithSummary("Join the call (强插)");
        supervisor.MapPost("/supervision/end", (string jobNo, IClusterClient c, ClaimsPrincipal user) =>
            OnCall(jobNo, c, call => call.DropPartyAsync(user.JobNo()))).WithSummary("The supervisor leaves the call");

        return api;
    }

    internal static Ok<NotReadyReasonResponse[]> GetNotReadyReasons(IOptions<HotlineOptions> options) =>
        TypedResults.Ok(options.Value.EffectiveNotReadyReasons.Select(NotReadyReasonResponse.FromGrain).ToArray());

    internal static async Task<Ok<SeatResponse[]>> GetAll(IClusterClient cluster)
    {
        var seats = await SeatBoard.GetAllAsync(cluster);
        return TypedResults.Ok(seats.OrderBy(s => s.JobNo, StringComparer.Ordinal).Select(SeatResponse.FromGrain).ToArray());
    }

    internal static Task<Results<Ok<SeatResponse>, ValidationProblem>> Get(string jobNo, IClusterClient cluster) =>
        Run(jobNo, cluster, seat => seat.GetAsync());

    internal static async Task<Results<Ok<SeatResponse>, ValidationProblem>> Login(
        string jobNo, SeatLoginRequest? body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        CheckJobNo(jobNo, errors);
        errors.Check(body?.Extension is null || InputRules.Extension().IsMatch(body.Extension), "extension",
            "Must be 1 to 32 of 0-9 A-Z a-z * # + -.");

        var skills = new List<QueueSkill>();
        var requested = body?.Queues ?? [];
        if (requested.Count > 0)
        {
            var known = (await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync()).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < requested.Count; i++)
            {
                var skill = requested[i];
                var field = $"queues[{i}]";
                if (skill?.QueueId is not { Length: > 0 } queueId) { errors.Add($"{field}.queueId", "Required."); continue; }
                if (!known.Contains(queueId)) errors.Add($"{field}.queueId", $"Unknown queue '{queueId}'.");
                else if (skills.Any(s => s.QueueId == queueId)) errors.Add($"{field}.queueId", $"Queue '{queueId}' is listed twice.");
                if (skill.Level is not { } level) errors.Add($"{field}.level", "Required.");
                else if (level is < 1 or > 5) errors.Add($"{field}.level", "Must be between 1 and 5.");
                else skills.Add(new QueueSkill(queueId, level));
            }
        }

        var languages = new List<string>();
        var requestedLanguages = body?.Languages ?? [];
        for (var i = 0; i < requestedLanguages.Count; i++)
        {
            if (requestedLanguages[i] is { } language && InputRules.Language().IsMatch(language)) languages.Add(language);
            else errors.Add($"languages[{i}]", "Must be a language tag such as zh or en.");
        }

        if (errors.TryGetProblem(out var problem)) return problem;
        var seat = await cluster.GetGrain<ISeatGrain>(jobNo).LoginAsync(new SeatLogin(body?.Extension, skills, languages.Distinct().ToArray()));
        return TypedResults.Ok(SeatResponse.FromGrain(seat));
    }

    internal static Task<Results<Ok<SeatResponse>, ValidationProblem>> NotReady(
        string jobNo, NotReadyRequest? body, IClusterClient cluster, IOptions<HotlineOptions> options)
    {
        var errors = new FieldErrors();
        var reason = body?.Reason;
        var configured = options.Value.EffectiveNotReadyReasons.FirstOrDefault(r => r.Code == reason);
        if (reason is null) errors.Add("reason", "Required.");
        else if (configured is null) errors.Add("reason", $"Unknown reason '{reason}'; see GET /api/seats/not-ready-reasons.");
        else if (configured.SystemOnly) errors.Add("reason", $"Reason '{reason}' is set by the system only.");
        return errors.TryGetProblem(out var problem)
            ? Task.FromResult<Results<Ok<SeatResponse>, ValidationProblem>>(problem)
            : Run(jobNo, cluster, seat => seat.NotReadyAsync(reason!));
    }

    internal static Task<Results<Ok<SeatResponse>, ValidationProblem>> ForceNotReady(
        string jobNo, ForceNotReadyRequest? body, IClusterClient cluster, IOptions<HotlineOptions> options, ClaimsPrincipal user)
    {
        var reason = body?.Reason;
        if (reason is not null && options.Value.EffectiveNotReadyReasons.All(r => r.Code != reason))
            return Task.FromResult<Results<Ok<SeatResponse>, ValidationProblem>>(
                ApiProblems.Validation("reason", $"Unknown reason '{reason}'; see GET /api/seats/not-ready-reasons."));
        return Run(jobNo, cluster, seat => seat.ForceNotReadyAsync(user.JobNo(), reason));
    }

    internal static async Task<Results<Ok<SeatResponse>, ValidationProblem>> Transfer(
        string jobNo, TransferRequest? body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var kind = await CheckTargetAsync(jobNo, body?.To, allowQueue: true, cluster, errors);
        var mode = body?.Mode ?? "blind";
        errors.Check(mode is "blind" or "attended", "mode", "Must be blind or attended.");

        if (errors.TryGetProblem(out var problem)) return problem;
        var seat = await cluster.GetGrain<ISeatGrain>(jobNo).TransferAsync(new TransferTarget(kind, body!.To!.Id!, mode == "attended"));
        return TypedResults.Ok(SeatResponse.FromGrain(seat));
    }

    /// <summary>Checks the seat and a transfer's or three-way call's target into <paramref name="errors"/>; its kind when valid.</summary>
    private static async Task<TransferTargetKind> CheckTargetAsync(
        string jobNo, TransferTargetRequest? to, bool allowQueue, IClusterClient cluster, FieldErrors errors)
    {
        CheckJobNo(jobNo, errors);
        TransferTargetKind kind = default;
        if (to is null)
        {
            errors.Add("to", "Required.");
            return kind;
        }
        if (!ApiNames.TryParseTransferKind(to.Kind, out kind) || (!allowQueue && kind == TransferTargetKind.Queue))
            errors.Add("to.kind", allowQueue ? "Must be seat, queue, department or number." : "Must be seat, department or number.");
        else if (string.IsNullOrWhiteSpace(to.Id)) errors.Add("to.id", "Required.");
        else if (kind == TransferTargetKind.Seat && !InputRules.JobNo().IsMatch(to.Id)) errors.Add("to.id", "Not a job number.");
        else if (kind == TransferTargetKind.Seat && to.Id == jobNo) errors.Add("to.id", "The call is already at this seat.");
        else if (kind == TransferTargetKind.Number && !InputRules.Phone().IsMatch(to.Id)) errors.Add("to.id", "Not a phone number.");
        else if (kind == TransferTargetKind.Department && !InputRules.Slug().IsMatch(to.Id)) errors.Add("to.id", "Not a department id.");
        else if (kind == TransferTargetKind.Queue)
        {
            var known = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync();
            if (!known.Contains(to.Id)) errors.Add("to.id", $"Unknown queue '{to.Id}'.");
        }
        return kind;
    }

    internal static Task<Results<Ok<SeatResponse>, ValidationProblem>> Help(string jobNo, HelpRequest? body, IClusterClient cluster)
    {
        var note = body?.Note;
        if (note is { Length: > 500 })
            return Task.FromResult<Results<Ok<SeatResponse>, ValidationProblem>>(ApiProblems.Validation("note", "At most 500 characters."));
        return Run(jobNo, cluster, seat => seat.RequestHelpAsync(note));
    }

    internal static async Task<Results<Ok<CallResponse>, ValidationProblem, ProblemHttpResult>> Conference(
        string jobNo, ConferenceRequest? body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var kind = await CheckTargetAsync(jobNo, body?.To, allowQueue: false, cluster, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        return await OnCall(jobNo, cluster, call => call.AddPartyAsync(jobNo, ParticipantRole.Conference, new TransferTarget(kind, body!.To!.Id!, false)));
    }

    /// <summary>Runs a command on the call the seat is on; 409 when the seat has none.</summary>
    internal static async Task<Results<Ok<CallResponse>, ValidationProblem, ProblemHttpResult>> OnCall(
        string jobNo, IClusterClient cluster, Func<ICallGrain, Task<CallSnapshot>> command)
    {
        if (!InputRules.JobNo().IsMatch(jobNo)) return ApiProblems.Validation("jobNo", "Not a job number.");
        var seat = await cluster.GetGrain<ISeatGrain>(jobNo).GetAsync();
        if (seat.CallId is null)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "seat.no_call", $"Seat {jobNo} is not on a call.");
        var call = await command(cluster.GetGrain<ICallGrain>(seat.CallId));
        return TypedResults.Ok(CallResponse.FromGrain(call));
    }

    internal static async Task<Results<Ok<SeatResponse>, ValidationProblem>> Run(
        string jobNo, IClusterClient cluster, Func<ISeatGrain, Task<SeatSnapshot>> command)
    {
        if (!InputRules.JobNo().IsMatch(jobNo)) return ApiProblems.Validation("jobNo", "Not a job number.");
        var seat = await command(cluster.GetGrain<ISeatGrain>(jobNo));
        return TypedResults.Ok(SeatResponse.FromGrain(seat));
    }

    internal static void CheckJobNo(string jobNo, FieldErrors errors) =>
        errors.Check(InputRules.JobNo().IsMatch(jobNo), "jobNo", "Not a job number.");
}
