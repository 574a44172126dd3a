using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Hosting;

namespace Hotline.Api.Audit;

/// <summary>
/// Which requests the audit trail records: every write to the API (any method but GET, HEAD and OPTIONS), and the
/// reads that show citizens' data, recordings, calls with numbers, accounts or the trail itself. The simulated
/// trunk (demos and load tests, off in production) is left out.
/// </summary>
public static class AuditPolicy
{
    /// <summary>Sensitive reads, by route pattern.</summary>
    public static readonly IReadOnlySet<string> SensitiveReads = new HashSet<string>(StringComparer.Ordinal)
    {
        "/api/tickets",
        "/api/tickets/{number}",
        "/api/tickets/{number}/history",
        "/api/tickets/{number}/recordings",
        "/api/departments/{id}/tickets",
        "/api/calls",
        "/api/calls/{id}",
        "/api/calls/{id}/recordings",
        "/api/recordings/{id}",
        "/api/voicemails",
        "/api/users",
        "/api/audit",
        "/api/audit/export",
        "/api/audit/verify",
    };

    public static bool ShouldRecord(string method, string pattern)
    {
        if (pattern.StartsWith("/api/sim/", StringComparison.Ordinal)) return false;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return SensitiveReads.Contains(pattern);
        if (HttpMethods.IsOptions(method)) return false;
        return pattern.StartsWith("/api/", StringComparison.Ordinal) || pattern.StartsWith("/open311/", StringComparison.Ordinal)
            || pattern.StartsWith("/ui/", StringComparison.Ordinal);
    }

    /// <summary>The route values that name the entity: <c>number=20260001234</c>, <c>jobNo=1001</c>.</summary>
    public static string Entity(RouteValueDictionary values) =>
        string.Join('&', values.Where(v => v.Key is not ("controller" or "action" or "page")).OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key}={Truncate(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", 120)}"));

    public static string RolesOf(ClaimsPrincipal user) =>
        string.Join(',', user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal));

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>Records each request the <see cref="AuditPolicy"/> names, after it is answered, with its status.</summary>
public sealed class AuditMiddleware(RequestDelegate next, TimeProvider time)
{
    /// <summary>A handler may name who a stranger claimed to be (the job number of a sign-in attempt).</summary>
    public const string ClaimedJobNo = "audit.claimed_job_no";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        var pattern = endpoint is null ? null : "/" + endpoint.RoutePattern.RawText!.Trim('/');
        if (pattern is null || !AuditPolicy.ShouldRecord(context.Request.Method, pattern)
            || context.RequestServices.GetService<AuditLog>() is not { } audit)
        {
            await next(context);
            return;
        }
        var threw = false;
        try
        {
            await next(context);
        }
        catch
        {
            threw = true;
            throw;
        }
        finally
        {
            var user = context.User;
            var jobNo = user.Identity?.IsAuthenticated == true ? user.JobNo() : context.Items[ClaimedJobNo] as string ?? "";
            var outcome = threw ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            audit.Append(new AuditRecord(time.GetUtcNow(), jobNo, AuditPolicy.RolesOf(user),
                PublicRateLimiting.ClientKey(context.Connection.RemoteIpAddress, exact: true),
                $"{context.Request.Method} {pattern}", AuditPolicy.Entity(context.Request.RouteValues), outcome));
        }
    }
}
