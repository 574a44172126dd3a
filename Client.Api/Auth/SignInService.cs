using System.Buffers.Text;
using System.Security.Cryptography;
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
}

/// <summary>Signs staff in with job number and password, and issues, checks and revokes opaque bearer tokens.</summary>
public sealed partial class SignInService(
    IUserStore users,
    ITokenStore tokens,
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

    public async Task<SignInOutcome> SignInAsync(string jobNo, string password, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var user = await users.FindAsync(jobNo, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(Nobody, DummyHash.Value, password);
            return Fail("invalid_credentials", jobNo, new SignInOutcome.InvalidCredentials());
        }

        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
            return Fail("locked", jobNo, new SignInOutcome.Locked(lockedUntil));

        var verified = Verify(user, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            var lockEnd = await users.RecordFailedSignInAsync(jobNo, now, Auth.MaxFailedAttempts, Auth.LockoutDuration, ct);
            if (lockEnd is { } until)
            {
                LogAccountLocked(logger, jobNo, until);
                return Fail("locked", jobNo, new SignInOutcome.Locked(until));
            }
            return Fail("invalid_credentials", jobNo, new SignInOutcome.InvalidCredentials());
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            await users.UpdatePasswordHashAsync(jobNo, hasher.HashPassword(user, password), ct);
        await users.RecordSuccessfulSignInAsync(jobNo, ct);

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var issued = new IssuedToken(Hash(token), user.JobNo, user.Roles, now, now + Auth.TokenLifetime, null, user.DepartmentId);
        await tokens.AddAsync(issued, ct);
        metrics.SignIn("success");
        LogSignedIn(logger, jobNo);
        return new SignInOutcome.Success(token, issued, user);
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
        return issued.ExpiresAt > now ? issued : null;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored password hash of {JobNo} is not in PasswordHasher format")]
    private static partial void LogBadPasswordHash(ILogger logger, string jobNo);
}
