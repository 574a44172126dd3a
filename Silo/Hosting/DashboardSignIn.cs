using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Hotline.Silo.Hosting;

/// <summary>
/// Lets only signed-in supervisors and admins open the dashboard: the bearer token (or the web UI's
/// <c>hotline_token</c> cookie) the API issued at sign-in is checked against <c>auth_tokens</c>.
/// </summary>
public sealed class DashboardSignIn(RequestDelegate next, IServiceProvider services)
{
    private static readonly string[] OperatorRoles = ["supervisor", "admin"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/dashboard"))
        {
            await next(context);
            return;
        }
        var token = context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? header["Bearer ".Length..].Trim()
            : context.Request.Cookies["hotline_token"];
        if (token is { Length: > 0 } && await IsOperatorAsync(token, context.RequestAborted))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsync(
            "The dashboard is for signed-in supervisors and admins: sign in through the API (POST /api/auth/login) " +
            "and send the token as 'Authorization: Bearer <token>' or the hotline_token cookie.\n");
    }

    private async Task<bool> IsOperatorAsync(string token, CancellationToken ct)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } dataSource) return false;
        await using var command = dataSource.CreateCommand(
            "SELECT 1 FROM auth_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND roles && $2");
        command.Parameters.AddWithValue(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        command.Parameters.AddWithValue(OperatorRoles);
        return await command.ExecuteScalarAsync(ct) is not null;
    }
}
