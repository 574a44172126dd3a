namespace Hotline.Api.Auth;

/// <summary>A staff account (工号) as the <c>users</c> table keeps it.</summary>
public sealed record UserAccount(
    string JobNo,
    string DisplayName,
    string PasswordHash,
    IReadOnlyList<string> Roles,
    string? DepartmentId,
    int FailedAttempts,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? DisabledAt = null,
    int TokenVersion = 0);

/// <summary>What decides whether an account's tokens still hold: its token version and whether it is disabled.</summary>
public sealed record CredentialState(int TokenVersion, bool Disabled);

/// <summary>Staff accounts: PostgreSQL in production, memory in the development mode.</summary>
public interface IUserStore
{
    Task<UserAccount?> FindAsync(string jobNo, CancellationToken ct);

    /// <summary>Unlocks: forgets failed sign-ins on the job number (in PostgreSQL, every per-address bar too).</summary>
    Task RecordSuccessfulSignInAsync(string jobNo, CancellationToken ct);

    /// <summary>Creates the account unless the job number exists; true when it was created.</summary>
    Task<bool> AddIfMissingAsync(UserAccount user, DateTimeOffset now, CancellationToken ct);

    Task UpdatePasswordHashAsync(string jobNo, string passwordHash, CancellationToken ct);

    /// <summary>Every account, by job number (user administration).</summary>
    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct);

    /// <summary>The account's token version and state, or null when the job number is unknown.</summary>
    Task<CredentialState?> GetCredentialStateAsync(string jobNo, CancellationToken ct);

    /// <summary>
    /// Bumps the account's token version and revokes every token issued to it (after a change of roles, department or
    /// password); with <paramref name="disabled"/> set, also disables (true) or enables (false) it. False when unknown.
    /// </summary>
    Task<bool> RevokeTokensAsync(string jobNo, DateTimeOffset now, bool? disabled, CancellationToken ct);

    /// <summary>Changes the name, roles and department; false when the job number is unknown.</summary>
    Task<bool> UpdateProfileAsync(string jobNo, string displayName, IReadOnlyList<string> roles, string? departmentId, CancellationToken ct);
}

/// <summary>
/// An issued bearer token; only its SHA-256 is stored. <see cref="DepartmentId"/> is the user's department
/// (承办单位) as the <c>users</c> table says now, for department staff.
/// </summary>
public sealed record IssuedToken(
    byte[] TokenHash,
    string JobNo,
    IReadOnlyList<string> Roles,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? DepartmentId = null,
    int TokenVersion = 0);

/// <summary>Issued tokens (<c>auth_tokens</c>).</summary>
public interface ITokenStore
{
    Task AddAsync(IssuedToken token, CancellationToken ct);
    Task<IssuedToken?> FindAsync(byte[] tokenHash, CancellationToken ct);
    Task RevokeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct);
}
