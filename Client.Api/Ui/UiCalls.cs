using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hotline.Api.Ui;

/// <summary>A refusal as the API would have answered it: status, stable code, message, and the fields at fault.</summary>
public sealed record UiError(int Status, string Code, string Message, IReadOnlyDictionary<string, string[]> Fields)
{
    public string FieldText => string.Join("; ", Fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}"));
}

/// <summary>The value of a call, or the refusal.</summary>
public readonly record struct UiResult<T>(T? Value, UiError? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// How a screen does anything: it runs the very handler of the API route (the same validation, the same
/// <see cref="TicketAccess"/> rules, the same contracts) after the same authorization policy, and turns the
/// typed result or the domain exception into a value or a <see cref="UiError"/>. A screen never talks to a
/// grain on its own, so the UI can do nothing the API would refuse.
/// </summary>
public sealed class UiCalls(
    AuthenticationStateProvider authentication,
    IAuthorizationService authorization,
    ClusterConnection cluster,
    ILogger<UiCalls> logger,
    IServiceProvider services)
{
    /// <summary>
    /// Screens act through the circuit, not through HTTP, so the audit middleware never sees them: actions under these
    /// policies (writes, and reads of recordings, calls and the trail) are recorded here as <c>ui {policy} {handler}</c>.
    /// </summary>
    private static readonly HashSet<string> Audited =
    [
        Policies.UsersAdmin, Policies.QueuesWrite, Policies.ReferenceDataWrite, Policies.TicketsAct, Policies.TicketsCreate,
        Policies.SupervisorCommands, Policies.CallsOutbound, Policies.RecordingsRead, Policies.CallsReadAll, Policies.AuditRead,
        Policies.SeatOwner, Policies.VoicemailRead, Policies.VoicemailHandle,
    ];

    /// <summary>Any signed-in user: the API's fallback policy.</summary>
    public const string SignedIn = "";

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    /// <param name="policy">The route's policy, <see cref="SignedIn"/>, or null for a public route.</param>
    /// <param name="resource">For <see cref="Policies.SeatOwner"/> and <see cref="Policies.SeatRead"/>: the seat's job number.</param>
    public async Task<UiResult<T>> RunAsync<T>(string? policy, Func<ClaimsPrincipal, Task<IResult>> route, object? resource = null, bool needsCluster = true)
    {
        var user = await UserAsync();
        if (policy is not null)
        {
            if (user.Identity?.IsAuthenticated != true)
                return Fail<T>(StatusCodes.Status401Unauthorized, ProblemCodes.AuthRequired, "Sign in first.");
            if (policy != SignedIn && !(await authorization.AuthorizeAsync(user, resource, policy)).Succeeded)
                return Fail<T>(StatusCodes.Status403Forbidden, ProblemCodes.AuthForbidden, "Your roles do not allow this.");
        }
        if (needsCluster && !cluster.IsConnected)
            return Fail<T>(StatusCodes.Status503ServiceUnavailable, ProblemCodes.ClusterUnavailable,
                "The call-centre cluster cannot be reached; try again shortly.");
        UiResult<T> result;
        try
        {
            result = Unwrap<T>(await route(user));
        }
        catch (Exception e) when (ApiExceptionHandler.Describe(e, logger) is { } problem)
        {
            result = new UiResult<T>(default, ToError(problem));
        }
        if (policy is not null && Audited.Contains(policy) && services.GetService<Audit.AuditLog>() is { } audit)
        {
            var source = services.GetService<UiCircuit>()?.ClientKey ?? "unknown";
            audit.Append(new Audit.AuditRecord(services.GetRequiredService<TimeProvider>().GetUtcNow(), user.JobNo(), Audit.AuditPolicy.RolesOf(user), source,
                $"ui {policy} {HandlerName(route)}", resource as string is { } seat ? $"jobNo={seat}" : "", result.Error?.Status ?? 200));
        }
        return result;
    }

    /// <summary>The screen method a handler lambda was written in: <c>Admin.SaveUserAsync</c> from <c>&lt;SaveUserAsync&gt;b__0</c>.</summary>
    private static string HandlerName(Delegate route)
    {
        var name = route.Method.Name;
        var open = name.IndexOf('<', StringComparison.Ordinal);
        var close = name.IndexOf('>', StringComparison.Ordinal);
        var method = open >= 0 && close > open + 1 ? name[(open + 1)..close] : name;
        var type = route.Method.DeclaringType;
        while (type?.DeclaringType is not null && type.Name.StartsWith('<')) type = type.DeclaringType;
        return $"{type?.Name}.{method}";
    }

    internal static UiResult<T> Unwrap<T>(IResult result)
    {
        switch (result)
        {
            case INestedHttpResult nested:
                return Unwrap<T>(nested.Result);
            // Refusals first: they carry a value too (their ProblemDetails), which a covariant match would take.
            case ValidationProblem validation:
                return new UiResult<T>(default, ToError(validation.ProblemDetails));
            case ProblemHttpResult problem:
                return new UiResult<T>(default, ToError(problem.ProblemDetails));
            case IValueHttpResult<T> value:
                return new UiResult<T>(value.Value, null);
            case IStatusCodeHttpResult { StatusCode: >= 200 and < 300 }:
                return new UiResult<T>(default, null);
            default:
                throw new InvalidOperationException($"The UI cannot read a {result.GetType().Name} answer as {typeof(T).Name}.");
        }
    }

    private static UiError ToError(ProblemDetails problem)
    {
        var code = problem.Extensions.TryGetValue("code", out var c) ? c?.ToString() ?? "" : "";
        var fields = problem is HttpValidationProblemDetails v
            ? (IReadOnlyDictionary<string, string[]>)v.Errors
            : new Dictionary<string, string[]>();
        return new UiError(problem.Status ?? 500, code, problem.Detail ?? problem.Title ?? code, fields);
    }

    private static UiResult<T> Fail<T>(int status, string code, string message) =>
        new(default, new UiError(status, code, message, new Dictionary<string, string[]>()));
}
