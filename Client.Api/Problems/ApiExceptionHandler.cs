using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Hotline.Api.Problems;

/// <summary>
/// The one place where exceptions become problem+json: domain refusals keep their code and status, bad
/// input is a 400, an unreachable cluster a 503. Nothing else leaks: no message of an unexpected
/// exception, never a stack trace.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        // The client went away: nobody is left to read an answer, and nothing went wrong on our side.
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return true;

        var problem = Describe(exception, logger);
        if (problem is null)
        {
            LogUnexpected(logger, exception, context.Request.Method, context.Request.Path);
            problem = ApiProblems.Details(StatusCodes.Status500InternalServerError, ProblemCodes.Internal,
                "Something went wrong on our side; the error has been logged.");
        }

        if (context.Response.HasStarted) return true;
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The problem an expected exception stands for, or null for a bug; the web UI shows the same refusals.</summary>
    internal static ProblemDetails? Describe(Exception exception, ILogger logger)
    {
        switch (exception)
        {
            case DomainException domain:
                var status = domain.Status is >= 400 and < 600 ? domain.Status : StatusCodes.Status409Conflict;
                return ApiProblems.Details(status, domain.Code, domain.Message, domain.CurrentState);

            case BadHttpRequestException bad:
                return BadRequest(bad);

            case JsonException json:
                return InvalidJson(json);

            // A PostgresException is the server refusing a statement: our bug, so a 500 below; unless it is the server
            // going away (shutting down, starting up, out of connections), which passes.
            case NpgsqlException npgsql when npgsql is not PostgresException || npgsql.IsTransient:
                LogDatabaseUnavailable(logger, exception.Message);
                return ApiProblems.Details(StatusCodes.Status503ServiceUnavailable, ProblemCodes.DatabaseUnavailable,
                    "The database cannot be reached; try again shortly.");

            case TimeoutException or SiloUnavailableException or ConnectionFailedException
                or OrleansMessageRejectionException or GatewayTooBusyException:
                LogClusterUnavailable(logger, exception.GetType().Name, exception.Message);
                return ApiProblems.Details(StatusCodes.Status503ServiceUnavailable, ProblemCodes.ClusterUnavailable,
                    "The call-centre cluster cannot be reached; try again shortly.");

            // A grain's storage failure that the silo did not turn into storage.unavailable itself (Orleans wraps it).
            case OrleansException when FindDomainException(exception) is { Code: "storage.unavailable" } unavailable:
                return Describe(unavailable, logger);

            default:
                return null;
        }
    }

    private static DomainException? FindDomainException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is DomainException domain) return domain;
        return null;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode != StatusCodes.Status400BadRequest)
            return ApiProblems.Details(bad.StatusCode, "request.rejected", ApiProblems.Title(bad.StatusCode));
        if (FindJsonException(bad) is { } json) return InvalidJson(json);

        var problem = ApiProblems.Details(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed,
            "The request could not be read.");
        problem.Title = "Validation failed";
        problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [Describe(bad)] };
        return problem;
    }

    private static ProblemDetails InvalidJson(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var problem = ApiProblems.Details(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed,
            "The request body is not valid JSON for this route.");
        problem.Title = "Validation failed";
        var where = json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine + 1})" : "";
        problem.Extensions["errors"] = new Dictionary<string, string[]>
        {
            [field] = [$"Malformed JSON or a value of the wrong type{where}."],
        };
        return problem;
    }

    /// <summary>Minimal APIs' messages name the parameter, never the input: safe to show.</summary>
    private static string Describe(BadHttpRequestException bad) =>
        bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) && bad.Message.Contains("not provided", StringComparison.OrdinalIgnoreCase)
            ? "A JSON body is required."
            : bad.Message;

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is JsonException json) return json;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable: {ErrorType}: {Error}")]
    private static partial void LogClusterUnavailable(ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable: {Error}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string error);
}
