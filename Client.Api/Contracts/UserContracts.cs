using Hotline.Api.Auth;

namespace Hotline.Api.Contracts;

/// <summary>A staff account (工号) as user administration shows it: never the password hash.</summary>
/// <remarks><c>LockedUntil</c> is the old account-wide lock; sign-in bars are now per address (<c>sign_in_throttle</c>).</remarks>
public sealed record UserResponse(string JobNo, string DisplayName, IReadOnlyList<string> Roles, string? DepartmentId, DateTimeOffset? LockedUntil, bool Disabled = false)
{
    public static UserResponse From(UserAccount user, DateTimeOffset now) =>
        new(user.JobNo, user.DisplayName, user.Roles, user.DepartmentId, user.LockedUntil > now ? user.LockedUntil : null, user.DisabledAt is not null);
}

/// <summary>
/// The body of <c>POST</c> (create: password required) and <c>PUT /api/users/{jobNo}</c> (password optional: a new
/// one replaces the old). <c>departmentId</c> is required with the <c>department</c> role and refused without it.
/// </summary>
public sealed record UserRequest(string? DisplayName, IReadOnlyList<string?>? Roles, string? DepartmentId, string? Password);
