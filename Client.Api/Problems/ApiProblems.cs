using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Hotline.Api.Problems;

/// <summary>The stable machine codes in problem+json bodies that clients switch on.</summary>
public static class ProblemCodes
{
    public const string AuthRequired = "auth.required";
    public const string AuthForbidden = "auth.forbidden";
    public const string AuthInvalidCredentials = "auth.invalid_credentials";
    public const string AuthLocked = "auth.locked";
    public const string AuthDisabled = "auth.disabled";
    public const string AuthWeakPassword = "auth.weak_password";
    public const string ValidationFailed = "validation.failed";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string QueueNotFound = "queue.not_found";
    public const string CallNotFound = "call.not_found";
    public const string SimDisabled = "sim.disabled";
    public const string TelephonyNotAvailable = "telephony.not_available";
    public const string ClusterUnavailable = "cluster.unavailable";
    public const string DatabaseUnavailable = "database.unavailable";
    public const string IdempotencyKeyReused = "idempotency.key_reused";
    public const string TicketNotFound = "ticket.not_found";
    public const string DepartmentNotFound = "department.not_found";
    public const string DepartmentExists = "department.exists";
    public const string UserExists = "user.exists";
    public const string UserNotFound = "user.not_found";
    public const string RateLimited = "rate_limited";
    public const string Internal = "internal.error";
}

/// <summary>Builds RFC 7807 bodies with a <c>code</c> (and, for a refused transition, <c>currentState</c>).</summary>
public static class ApiProblems
{
    public static ProblemDetails Details(int status, string code, string detail, string? currentState = null)
    {
        var problem = new ProblemDetails { Status = status, Title = Title(status), Detail = detail };
        problem.Extensions["code"] = code;
        if (currentState is not null) problem.Extensions["currentState"] = currentState;
        return problem;
    }

    public static ProblemHttpResult Problem(int status, string code, string detail, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (extra is not null)
            foreach (var (key, value) in extra) extensions[key] = value;
        return TypedResults.Problem(detail, statusCode: status, title: Title(status), extensions: extensions);
    }

    public static ProblemHttpResult NotFound(string code, string detail) => Problem(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Forbidden(string detail = "Your roles do not allow this.") =>
        Problem(StatusCodes.Status403Forbidden, ProblemCodes.AuthForbidden, detail);

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string detail = "One or more fields are invalid.") =>
        TypedResults.ValidationProblem(errors, detail, title: "Validation failed",
            extensions: new Dictionary<string, object?> { ["code"] = ProblemCodes.ValidationFailed });

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static string Title(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
