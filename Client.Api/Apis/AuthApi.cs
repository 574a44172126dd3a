using System.Globalization;
using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>Staff sign-in with job number (工号) and password.</summary>
public static class AuthApi
{
    /// <summary>The same words whether the job number exists or not.</summary>
    public const string InvalidCredentialsMessage = "The job number or the password is wrong.";

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Sign-in");
        api.MapPost("/login", Login).AllowAnonymous().WithSummary("Sign in; returns a bearer token");
        api.MapPost("/logout", Logout).WithSummary("Revoke the token of this request");
        api.MapGet("/me", Me).WithSummary("The signed-in user");
        api.MapPost("/password", ChangePassword)
            .WithSummary("Change your own password (needs the current one); every token of the account, this one included, is revoked");
        return api;
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult, ValidationProblem>> Login(
        LoginRequest body, SignInService signIn, HttpContext context, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(body.JobNumber)) errors.Add("jobNumber", "Required.");
        else errors.Check(body.JobNumber.Length <= 32, "jobNumber", "At most 32 characters.");
        if (string.IsNullOrEmpty(body.Password)) errors.Add("password", "Required.");
        else errors.Check(body.Password.Length <= 256, "password", "At most 256 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;

        var source = Hosting.PublicRateLimiting.ClientKey(context.Connection.RemoteIpAddress);
        context.Items[Audit.AuditMiddleware.ClaimedJobNo] = body.JobNumber;
        return await signIn.SignInAsync(body.JobNumber!, body.Password!, source, ct) switch
        {
            SignInOutcome.Success s => TypedResults.Ok(new LoginResponse(s.Token, s.Issued.ExpiresAt, s.User.Roles, s.User.JobNo, s.User.DisplayName)),
            SignInOutcome.Locked locked => ApiProblems.Problem(StatusCodes.Status401Unauthorized, ProblemCodes.AuthLocked,
                "Too many failed sign-ins: the account is locked for a while.",
                new Dictionary<string, object?> { ["lockedUntil"] = locked.Until }),
            SignInOutcome.Disabled => ApiProblems.Problem(StatusCodes.Status401Unauthorized, ProblemCodes.AuthDisabled,
                "This account is disabled; an administrator can enable it."),
            SignInOutcome.Throttled throttled => Throttled(context, throttled.RetryAfter),
            _ => ApiProblems.Problem(StatusCodes.Status401Unauthorized, ProblemCodes.AuthInvalidCredentials, InvalidCredentialsMessage),
        };
    }

    private static ProblemHttpResult Throttled(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
            "Too many sign-in attempts from this address; try again later.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> ChangePassword(
        ChangePasswordRequest body, ClaimsPrincipal user, IUserStore users, SignInService signIn, CancellationToken ct)
    {
        var account = await users.FindAsync(user.JobNo(), ct);
        if (account is null) return ApiProblems.NotFound(ProblemCodes.NotFound, "The account no longer exists.");
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(body.OldPassword)) errors.Add("oldPassword", "Required.");
        else errors.Check(body.OldPassword.Length <= PasswordPolicy.MaxLength, "oldPassword", $"At most {PasswordPolicy.MaxLength} characters.");
        if (PasswordPolicy.Check(body.NewPassword, account.JobNo) is { } weak) errors.Add("newPassword", weak);
        else errors.Check(body.NewPassword != body.OldPassword, "newPassword", "Must differ from the current password.");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (!signIn.CheckPassword(account, body.OldPassword!))
            return ApiProblems.Validation("oldPassword", "Not your current password.");
        await users.UpdatePasswordHashAsync(account.JobNo, signIn.HashPassword(account, body.NewPassword!), ct);
        await signIn.RevokeAllAsync(account.JobNo, disable: null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Logout(HttpContext context, SignInService signIn, CancellationToken ct)
    {
        if (BearerTokenHandler.ReadToken(context.Request) is { } token) await signIn.RevokeAsync(token, ct);
        if (context.Request.Cookies.ContainsKey(BearerTokenHandler.CookieName))
            context.Response.Cookies.Delete(BearerTokenHandler.CookieName);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(ClaimsPrincipal user, IUserStore users, CancellationToken ct)
    {
        var account = await users.FindAsync(user.JobNo(), ct);
        if (account is null) return ApiProblems.NotFound(ProblemCodes.NotFound, "The account no longer exists.");
        var expiresAt = DateTimeOffset.TryParse(user.FindFirstValue(BearerTokenHandler.ExpiresAtClaim), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : (DateTimeOffset?)null;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray();
        return TypedResults.Ok(new MeResponse(account.JobNo, account.DisplayName, roles, account.DepartmentId, expiresAt));
    }
}
