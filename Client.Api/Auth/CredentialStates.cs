using System.Collections.Concurrent;
using Hotline.Api.Configuration;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Auth;

/// <summary>
/// Each account's token version and state as PostgreSQL says, read again once <c>Hotline:Auth:RevocationCheckInterval</c>
/// has passed: so a token whose account was disabled, or whose roles or password changed, is refused by every API
/// process within that interval, while a busy desk costs one small read per interval, not one per request.
/// </summary>
public sealed class CredentialStates(IUserStore users, IOptions<HotlineOptions> options, TimeProvider time)
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, (CredentialState? State, DateTimeOffset ReadAt)> _states = new(StringComparer.Ordinal);

    /// <summary>Whether a token issued under <paramref name="tokenVersion"/> still holds for <paramref name="jobNo"/>.</summary>
    public async Task<bool> HoldsAsync(string jobNo, int tokenVersion, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var interval = options.Value.Auth.RevocationCheckInterval;
        if (!_states.TryGetValue(jobNo, out var entry) || now - entry.ReadAt >= interval)
        {
            if (_states.Count > MaxEntries) _states.Clear();
            entry = (await users.GetCredentialStateAsync(jobNo, ct), now);
            _states[jobNo] = entry;
        }
        return entry.State is { Disabled: false } state && state.TokenVersion == tokenVersion;
    }

    /// <summary>Forgets what this process knows of the account, after it changed it itself.</summary>
    public void Forget(string jobNo) => _states.TryRemove(jobNo, out _);
}
