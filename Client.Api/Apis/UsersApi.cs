using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Departments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// Staff accounts (工号) and their roles, for administrators: list, create, change, unlock, disable, enable. A change
/// of roles, department or password, and disabling, revoke the account's tokens on every API process.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.UsersAdmin);
        api.MapGet("", List).WithSummary("Every staff account with its roles and department (admin)");
        api.MapPost("/{jobNo}", Create).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Create an account (admin)");
        api.MapPut("/{jobNo}", Update).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Change an account's name, roles, department and optionally its password (admin); a change of roles, department or password signs it out everywhere");
        api.MapPost("/{jobNo}/unlock", Unlock).WithSummary("Lift every bar after failed sign-ins, from every address (admin)");
        api.MapPost("/{jobNo}/disable", (string jobNo, IUserStore users, SignInService signIn, ClaimsPrincipal user, CancellationToken ct) => SetDisabled(jobNo, true, users, signIn, user, ct))
            .WithSummary("Disable an account: it cannot sign in and its tokens stop working at once (admin)");
        api.MapPost("/{jobNo}/enable", (string jobNo, IUserStore users, SignInService signIn, ClaimsPrincipal user, CancellationToken ct) => SetDisabled(jobNo, false, users, signIn, user, ct))
            .WithSummary("Enable a disabled account again (admin)");
        return api;
    }

    internal static async Task<Ok<UserResponse[]>> List(IUserStore users, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok((await users.ListAsync(ct)).Select(u => UserResponse.From(u, now)).ToArray());
    }

    internal static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Create(
        string jobNo, UserRequest body, IUserStore users, SignInService signIn, IClusterClient cluster, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (name, roles) = await ValidateAsync(jobNo, body, passwordRequired: true, cluster, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var account = new UserAccount(jobNo, name!, "", roles, body.DepartmentId, 0, null);
        account = account with { PasswordHash = signIn.HashPassword(account, body.Password!) };
        if (!await users.AddIfMissingAsync(account, time.GetUtcNow(), ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.UserExists, $"Job number {jobNo} exists; PUT changes it.");
        return TypedResults.Created($"/api/users/{jobNo}", UserResponse.From(account, time.GetUtcNow()));
    }

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string jobNo, UserRequest body, IUserStore users, SignInService signIn, IClusterClient cluster, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (name, roles) = await ValidateAsync(jobNo, body, passwordRequired: false, cluster, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var before = await users.FindAsync(jobNo, ct);
        if (before is null || !await users.UpdateProfileAsync(jobNo, name!, roles, body.DepartmentId, ct)) return UserNotFound(jobNo);
        var account = (await users.FindAsync(jobNo, ct))!;
        var password = body.Password is { Length: > 0 } p ? p : null;
        if (password is not null) await users.UpdatePasswordHashAsync(jobNo, signIn.HashPassword(account, password), ct);
        var rolesChanged = !before.Roles.Order().SequenceEqual(roles.Order()) || before.DepartmentId != body.DepartmentId;
        if (rolesChanged || password is not null) await signIn.RevokeAllAsync(jobNo, disable: null, ct);
        return TypedResults.Ok(UserResponse.From(account, time.GetUtcNow()));
    }

    /// <remarks>The store's unlock also clears the per-address bars (<c>sign_in_throttle</c>).</remarks>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Unlock(string jobNo, IUserStore users, CancellationToken ct)
    {
        if (await users.FindAsync(jobNo, ct) is null) return UserNotFound(jobNo);
        await users.RecordSuccessfulSignInAsync(jobNo, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetDisabled(
        string jobNo, bool disable, IUserStore users, SignInService signIn, ClaimsPrincipal user, CancellationToken ct)
    {
        if (disable && jobNo == user.JobNo())
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "user.self_disable", "An administrator cannot disable their own account.");
        if (await users.FindAsync(jobNo, ct) is not { } account) return UserNotFound(jobNo);
        // Asking again for the state it is in changes nothing (and signs no one out).
        if ((account.DisabledAt is not null) == disable) return TypedResults.NoContent();
        return await signIn.RevokeAllAsync(jobNo, disable, ct) ? TypedResults.NoContent() : UserNotFound(jobNo);
    }

    private static async Task<(string? Name, string[] Roles)> ValidateAsync(
        string jobNo, UserRequest body, bool passwordRequired, IClusterClient cluster, FieldErrors errors)
    {
        errors.Check(InputRules.JobNo().IsMatch(jobNo), "jobNo", "Not a job number.");
        var name = TicketIntakeValidation.Required(body.DisplayName, "displayName", 64, errors);
        var roles = new List<string>();
        var requested = body.Roles ?? [];
        if (requested.Count == 0) errors.Add("roles", "At least one role.");
        for (var i = 0; i < requested.Count; i++)
        {
            if (requested[i] is not { } role || !Roles.All.Contains(role)) errors.Add($"roles[{i}]", $"Must be one of {string.Join(", ", Roles.All)}.");
            else if (!roles.Contains(role)) roles.Add(role);
        }
        if (roles.Contains(Roles.Department))
        {
            if (body.DepartmentId is not { Length: > 0 } department) errors.Add("departmentId", "Required with the department role.");
            else
            {
                var known = await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync();
                errors.Check(known.Contains(department), "departmentId", $"Unknown department '{department}'.");
            }
        }
        else errors.Check(body.DepartmentId is null, "departmentId", "Only department staff are bound to a department.");
        if (body.Password is { Length: > 0 } password)
        {
            if (PasswordPolicy.Check(password, jobNo) is { } weak) errors.Add("password", weak);
        }
        else errors.Check(!passwordRequired, "password", "Required for a new account.");
        return (name, roles.ToArray());
    }

    private static ProblemHttpResult UserNotFound(string jobNo) =>
        ApiProblems.NotFound(ProblemCodes.UserNotFound, $"There is no account {jobNo}.");
}
