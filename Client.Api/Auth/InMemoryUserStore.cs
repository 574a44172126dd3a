using System.Collections.Concurrent;

namespace Hotline.Api.Auth;

/// <summary>Accounts in memory, for the Localhost development mode only: lost at every restart.</summary>
internal sealed class InMemoryUserStore(ISignInThrottle? throttle = null) : IUserStore
{
    private readonly ConcurrentDictionary<string, UserAccount> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<UserAccount?> FindAsync(string jobNo, CancellationToken ct) =>
        Task.FromResult(_users.GetValueOrDefault(jobNo));

    public Task RecordSuccessfulSignInAsync(string jobNo, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(jobNo, out var user))
                _users[jobNo] = user with { FailedAttempts = 0, LockedUntil = null };
        }
        if (throttle is InMemorySignInThrottle bars) bars.ForgetAll(jobNo);
        return Task.CompletedTask;
    }

    public Task<bool> AddIfMissingAsync(UserAccount user, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_users.TryAdd(user.JobNo, user));

    public Task UpdatePasswordHashAsync(string jobNo, string passwordHash, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(jobNo, out var user))
                _users[jobNo] = user with { PasswordHash = passwordHash };
        }
        return Task.CompletedTask;
    }

    public Task<CredentialState?> GetCredentialStateAsync(string jobNo, CancellationToken ct) =>
        Task.FromResult(_users.TryGetValue(jobNo, out var user) ? new CredentialState(user.TokenVersion, user.DisabledAt is not null) : null);

    public Task<bool> RevokeTokensAsync(string jobNo, DateTimeOffset now, bool? disabled, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(jobNo, out var user)) return Task.FromResult(false);
            var disabledAt = disabled switch { true => user.DisabledAt ?? now, false => null, null => user.DisabledAt };
            _users[jobNo] = user with { TokenVersion = user.TokenVersion + 1, DisabledAt = disabledAt };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<UserAccount>>(_users.Values.OrderBy(u => u.JobNo, StringComparer.Ordinal).ToArray());

    public Task<bool> UpdateProfileAsync(string jobNo, string displayName, IReadOnlyList<string> roles, string? departmentId, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(jobNo, out var user)) return Task.FromResult(false);
            _users[jobNo] = user with { DisplayName = displayName, Roles = roles, DepartmentId = departmentId };
            return Task.FromResult(true);
        }
    }
}

/// <summary>Tokens in memory, for the Localhost development mode only.</summary>
internal sealed class InMemoryTokenStore : ITokenStore
{
    private const int PurgeAbove = 10_000;
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);

    public Task AddAsync(IssuedToken token, CancellationToken ct)
    {
        if (_tokens.Count > PurgeAbove)
        {
            foreach (var (key, old) in _tokens)
                if (old.ExpiresAt <= token.IssuedAt || old.RevokedAt is not null) _tokens.TryRemove(key, out _);
        }
        _tokens[Convert.ToHexString(token.TokenHash)] = token;
        return Task.CompletedTask;
    }

    public Task<IssuedToken?> FindAsync(byte[] tokenHash, CancellationToken ct) =>
        Task.FromResult(_tokens.GetValueOrDefault(Convert.ToHexString(tokenHash)));

    public Task RevokeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        var key = Convert.ToHexString(tokenHash);
        if (_tokens.TryGetValue(key, out var token) && token.RevokedAt is null)
            _tokens[key] = token with { RevokedAt = now };
        return Task.CompletedTask;
    }
}
