namespace Hotline.Api.Contracts;

/// <summary>Sign-in with job number (工号) and password.</summary>
public sealed record LoginRequest(string? JobNumber, string? Password);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> Roles, string JobNumber, string DisplayName);

public sealed record MeResponse(string JobNumber, string DisplayName, IReadOnlyList<string> Roles, string? DepartmentId, DateTimeOffset? ExpiresAt);

/// <summary><c>POST /api/auth/password</c>: the current password and the new one.</summary>
public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword);
