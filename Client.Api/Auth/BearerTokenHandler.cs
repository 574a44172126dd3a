using System.Security.Claims;
using System.Text.Encodings.Web;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Auth;

/// <summary>
/// Opaque bearer tokens from <c>Authorization: Bearer …</c> or, for the web UI, the <c>hotline_token</c> cookie.
/// Challenges and refusals answer problem+json (<c>auth.required</c>, <c>auth.forbidden</c>).
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SignInService signIn,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";
    public const string CookieName = "hotline_token";
    public const string ExpiresAtClaim = "hotline:expires_at";
    /// <summary>The department (承办单位) a department user is bound to.</summary>
    public const string DepartmentClaim = "hotline:department";

    /// <summary>The raw token of this request, from the header or the cookie.</summary>
    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        return request.Cookies.TryGetValue(CookieName, out var cookie) && !string.IsNullOrEmpty(cookie) ? cookie : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null) return AuthenticateResult.NoResult();

        var issued = await signIn.ValidateAsync(token, Context.RequestAborted);
        if (issued is null) return AuthenticateResult.Fail("The token is unknown, expired or revoked.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, issued.JobNo),
            new(ClaimTypes.NameIdentifier, issued.JobNo),
            new(ExpiresAtClaim, issued.ExpiresAt.ToString("O")),
        };
        claims.AddRange(issued.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        if (issued.DepartmentId is { Length: > 0 } department) claims.Add(new Claim(DepartmentClaim, department));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = ApiProblems.Details(StatusCodes.Status401Unauthorized, ProblemCodes.AuthRequired,
                "Sign in first: send a valid bearer token."),
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = ApiProblems.Details(StatusCodes.Status403Forbidden, ProblemCodes.AuthForbidden,
                "Your roles do not allow this."),
        });
    }
}
