using Hotline.Api.Auth;

namespace Hotline.Api.Integrations;

/// <summary>The outcome of presenting an API key for a scope.</summary>
public abstract record KeyCheck
{
    /// <summary>No key was presented.</summary>
    public sealed record Missing : KeyCheck;
    /// <summary>Malformed, unknown, revoked, or its account no longer holds the integration role: all look the same.</summary>
    public sealed record Invalid : KeyCheck;
    /// <summary>A good key without the scope the route needs.</summary>
    public sealed record MissingScope(string Scope) : KeyCheck;
    public sealed record Throttled(TimeSpan RetryAfter) : KeyCheck;
    public sealed record Accepted(IntegrationKey Key) : KeyCheck;
}

/// <summary>Checks a presented key: its hash, that it is not revoked, its account's role, its scope and its rate.</summary>
public sealed class ApiKeyAuthenticator(IIntegrationKeyStore keys, IUserStore users, KeyRateLimiter limiter, TimeProvider time)
{
    public async Task<KeyCheck> CheckAsync(string? presented, string scope, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(presented)) return new KeyCheck.Missing();
        if (!ApiKeyFormat.TryGetKeyId(presented, out var keyId)) return new KeyCheck.Invalid();
        if (await keys.FindAsync(keyId, ct) is not { } found || !ApiKeyFormat.Matches(presented, found.Hash) || found.Key.RevokedAt is not null)
            return new KeyCheck.Invalid();
        var account = await users.FindAsync(found.Key.Account, ct);
        if (account is null || !account.Roles.Contains(Roles.Integration)) return new KeyCheck.Invalid();
        if (!found.Key.Scopes.Contains(scope)) return new KeyCheck.MissingScope(scope);
        if (limiter.TryAcquire(keyId, found.Key.RatePerMinute) is { } wait) return new KeyCheck.Throttled(wait);
        await keys.TouchAsync(keyId, time.GetUtcNow(), ct);
        return new KeyCheck.Accepted(found.Key);
    }
}
