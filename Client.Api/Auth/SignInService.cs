using System.Buffers.Text;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Hotline.Api.Configuration;
using Hotline.Api.Metrics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Auth;

public abstract record SignInOutcome
{
    public sealed record Success(string Token, IssuedToken Issued, UserAccount User) : SignInOutcome;
    /// <summary>Unknown job number or wrong password: the caller is not told which.</summary>
    public sealed record InvalidCredentials : SignInOutcome;
    public sealed record Locked(DateTimeOffset Until) : SignInOutcome;
    /// <summary>The right password on a disabled account (a wrong one is <see cref="InvalidCredentials"/>).</summary>
    public sealed record Disabled : SignInOutcome;
    /// <summary>Too many attempts from this source address, whatever the job numbers: try again after <paramref name="RetryAfter"/>.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : SignInOutcome;
}

/// <summary>
/// Signs staff in with job number and password, and issues, checks and revokes opaque bearer tokens. Failed sign-ins
/// bar a job number from one source address (<see cref="ISignInThrottle"/>), never the account everywhere, and
/// unknown job numbers go through the same steps (a hash check, the same counting) as known ones.
/// </summary>
public sealed partial class SignInService(
    IUserStore users,
    ITokenStore tokens,
    ISignInThrottle throttle,
    CredentialStates credentials,
    IPasswordHasher<UserAccount> hasher,
    IOptions<HotlineOptions> options,
    TimeProvider time,
    IMemoryCache cache,
    HotlineMetrics metrics,
    ILogger<SignInService> logger)
{
    private const int TokenBytes = 32;
    private static readonly UserAccount Nobody = new("", "", "", [], null, 0, null);
    // Verified for unknown job numbers so that they take as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    private AuthOptions Auth => options.Value.Auth;

    private PartitionedRateLimiter<string>? _attempts;

    /// <summary>Sign-in attempts per source address, for the API route and the sign-in page alike (per API process).</summary>
    private PartitionedRateLimiter<string> Attempts => LazyInitializer.EnsureInitialized(ref _attempts, () =>
        PartitionedRateLimiter.Create<string, string>(source => RateLimitPartition.GetFixedWindowLimiter(source, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Auth.SignInRateLimit.PermitLimit,
            Window = Auth.SignInRateLimit.Window,
            QueueLimit = 0,
        })));

    private SignInBackoff Backoff => new(Auth.MaxFailedAttempts, Auth.LockoutDuration, Auth.LongestLockout, Auth.FailureMemory);

    /// <param name="source">The caller's address key (an IPv4 address or an IPv6 /64).</param>
    public async Task<SignInOutcome> SignInAsync(string jobNo, string password, string source, CancellationToken ct)
    {
        using (var lease = Attempts.AttemptAcquire(source))
        {
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Auth.SignInRateLimit.Window;
                return Fail("throttled", jobNo, new SignInOutcome.Throttled(retryAfter));
            }
        }
        var now = time.GetUtcNow();
        var user = await users.FindAsync(jobNo, ct);
        // Every path verifies one hash, so that neither a bar nor an unknown number answers faster.
        var verified = user is null
            ? VerifyNobody(password)
            : Verify(user, password);

        if (await throttle.BlockedUntilAsync(jobNo, source, now, ct) is { } blockedUntil)
            return Fail("locked", jobNo, new SignInOutcome.Locked(blockedUntil));

        if (user is null || verified == PasswordVerificationResult.Failed)
        {
            if (await throttle.RecordFailureAsync(jobNo, source, now, Backoff, ct) is { } until)
            {
                LogAccountLocked(logger, jobNo, until);
                return Fail("locked", jobNo, new SignInOutcome.Locked(until));
            }
            return Fail("invalid_credentials", jobNo, new SignInOutcome.InvalidCredentials());
        }

        if (user.DisabledAt is not null) return Fail("disabled", jobNo, new SignInOutcome.Disabled());

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            await users.UpdatePasswordHashAsync(jobNo, hasher.HashPassword(user, password), ct);
        await throttle.ClearAsync(jobNo, source, ct);

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var issued = new IssuedToken(Hash(token), user.JobNo, user.Roles, now, now + Auth.TokenLifetime, null, user.DepartmentId, user.TokenVersion);
        await tokens.AddAsync(issued, ct);
        credentials.Forget(jobNo);
        metrics.SignIn("success");
        LogSignedIn(logger, jobNo);
        return new SignInOutcome.Success(token, issued, user);
    }

    /// <summary>Whether <paramref name="password"/> is the account's current one (for a change of password).</summary>
    public bool CheckPassword(UserAccount user, string password) => Verify(user, password) != PasswordVerificationResult.Failed;

    /// <summary>
    /// Revokes every token of the account on every API process (bumping its token version); optionally disables or
    /// enables it. False when the job number is unknown.
    /// </summary>
    public async Task<bool> RevokeAllAsync(string jobNo, bool? disable, CancellationToken ct)
    {
        var changed = await users.RevokeTokensAsync(jobNo, time.GetUtcNow(), disable, ct);
        credentials.Forget(jobNo);
        if (changed) LogTokensRevoked(logger, jobNo, disable);
        return changed;
    }

    /// <summary>The live token behind a bearer string, or null when unknown, expired or revoked.</summary>
    public async Task<IssuedToken?> ValidateAsync(string token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return null;
        var hash = Hash(token);
        var key = CacheKey(hash);
        var now = time.GetUtcNow();
        if (!cache.TryGetValue(key, out IssuedToken? issued) || issued is null)
        {
            issued = await tokens.FindAsync(hash, ct);
            if (issued is null || issued.RevokedAt is not null || issued.ExpiresAt <= now) return null;
            var trustFor = Min(Auth.TokenCacheDuration, issued.ExpiresAt - now);
            if (trustFor > TimeSpan.Zero) cache.Set(key, issued, trustFor);
        }
        // The cached token is checked against the account's version each time: a revocation elsewhere bites here too.
        return issued.ExpiresAt > now && await credentials.HoldsAsync(issued.JobNo, issued.TokenVersion, ct) ? issued : null;
    }

    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return;
        var hash = Hash(token);
        cache.Remove(CacheKey(hash));
        await tokens.RevokeAsync(hash, time.GetUtcNow(), ct);
    }

    public string HashPassword(UserAccount user, string password) => hasher.HashPassword(user, password);

    internal static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    /// <summary>32 bytes in unpadded base64url are 43 characters.</summary>
    private static bool LooksLikeToken(string token) =>
        token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string CacheKey(byte[] hash) => "auth-token:" + Convert.ToHexString(hash);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private PasswordVerificationResult Verify(UserAccount user, string password)
    {
        try
        {
            return hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        }
        catch (FormatException)
        {
            LogBadPasswordHash(logger, user.JobNo);
            return PasswordVerificationResult.Failed;
        }
    }

    private PasswordVerificationResult VerifyNobody(string password)
    {
        hasher.VerifyHashedPassword(Nobody, DummyHash.Value, password);
        return PasswordVerificationResult.Failed;
    }

    private SignInOutcome Fail(string reason, string jobNo, SignInOutcome outcome)
    {
        metrics.SignIn(reason);
        LogSignInFailed(logger, jobNo, reason);
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{JobNo} signed in")]
    private static partial void LogSignedIn(ILogger logger, string jobNo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in failed for {JobNo}: {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string jobNo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {JobNo} locked until {LockedUntil} after repeated failed sign-ins")]
    private static partial void LogAccountLocked(ILogger logger, string jobNo, DateTimeOffset lockedUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Every token of {JobNo} revoked (disable: {Disable})")]
    private static partial void LogTokensRevoked(ILogger logger, string jobNo, bool? disable);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored password hash of {JobNo} is not in PasswordHasher format")]
    private static partial void LogBadPasswordHash(ILogger logger, string jobNo);
}
