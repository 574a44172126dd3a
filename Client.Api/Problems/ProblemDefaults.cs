using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Hotline.Api.Problems;

internal static class ProblemDefaults
{
    /// <summary>Every problem body gets a <c>code</c> (from the status when nothing set one) and a trace id.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = problem.Status switch
            {
                StatusCodes.Status400BadRequest => ProblemCodes.ValidationFailed,
                StatusCodes.Status401Unauthorized => ProblemCodes.AuthRequired,
                StatusCodes.Status403Forbidden => ProblemCodes.AuthForbidden,
                StatusCodes.Status404NotFound => ProblemCodes.NotFound,
                StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
                StatusCodes.Status415UnsupportedMediaType => "request.unsupported_media_type",
                >= 500 => ProblemCodes.Internal,
                _ => "request.rejected",
            };
        }
        if (problem.Status == StatusCodes.Status404NotFound && problem.Detail is null)
            problem.Detail = "There is no such route or resource.";
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        // Never a stack trace or an exception message in a response, whatever the environment.
        problem.Extensions.Remove("exception");
    }
}
