using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Departments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>Staff accounts (工号) and their roles, for administrators: list, create, change, unlock.</summary>
public static class UsersApi
{
    public const int MinPassword = 8;

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.UsersAdmin);
        api.MapGet("", List).WithSummary("Every staff account with its roles and department (admin)");
        api.MapPost("/{jobNo}", Create).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Create an account (admin); roles already in use by a signed-in user apply from their next sign-in");
        api.MapPut("/{jobNo}", Update).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Change an account's name, roles, department and optionally its password (admin)");
        api.MapPost("/{jobNo}/unlock", Unlock).WithSummary("Lift a lock-out after failed sign-ins (admin)");
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
        if (!await users.UpdateProfileAsync(jobNo, name!, roles, body.DepartmentId, ct)) return UserNotFound(jobNo);
        var account = (await users.FindAsync(jobNo, ct))!;
        if (body.Password is { Length: > 0 } password) await users.UpdatePasswordHashAsync(jobNo, signIn.HashPassword(account, password), ct);
        return TypedResults.Ok(UserResponse.From(account, time.GetUtcNow()));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Unlock(string jobNo, IUserStore users, CancellationToken ct)
    {
        if (await users.FindAsync(jobNo, ct) is null) return UserNotFound(jobNo);
        await users.RecordSuccessfulSignInAsync(jobNo, ct);
        return TypedResults.NoContent();
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
            errors.Check(password.Length is >= MinPassword and <= 256, "password", $"{MinPassword} to 256 characters.");
        else errors.Check(!passwordRequired, "password", "Required for a new account.");
        return (name, roles.ToArray());
    }

    private static ProblemHttpResult UserNotFound(string jobNo) =>
        ApiProblems.NotFound(ProblemCodes.UserNotFound, $"There is no account {jobNo}.");
}
