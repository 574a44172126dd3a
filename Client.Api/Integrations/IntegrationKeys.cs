using System.Security.Cryptography;
using System.Text;

namespace Hotline.Api.Integrations;

/// <summary>What an integration's key may do. A key holds one or more.</summary>
public static class IntegrationScopes
{
    /// <summary>POST service requests through Open311 GeoReport v2.</summary>
    public const string Open311Write = "open311:write";
    /// <summary>Submit work orders through the partner API.</summary>
    public const string TicketsSubmit = "tickets:submit";
    /// <summary>Read the status of the work orders this key's account submitted.</summary>
    public const string TicketsRead = "tickets:read";

    public static readonly IReadOnlyList<string> All = [Open311Write, TicketsSubmit, TicketsRead];
}

/// <summary>
/// An integration's API key as stored: never the key itself, which is shown once when created. The key acts as
/// <see cref="Account"/>, an account holding the <c>integration</c> role.
/// </summary>
public sealed record IntegrationKey(
    string KeyId,
    string Account,
    string Name,
    IReadOnlyList<string> Scopes,
    int RatePerMinute,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>
/// The key format <c>hk_&lt;key id&gt;_&lt;secret&gt;</c>: the id finds the row, the SHA-256 of the whole key must match
/// the stored hash. 32 random bytes of secret make a slow hash unnecessary.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "hk_";
    private const int KeyIdLength = 12;

    /// <summary>A new key and its id.</summary>
    public static (string KeyId, string Key) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>The key id of a well-formed key; false for anything else.</summary>
    public static bool TryGetKeyId(string? key, out string keyId)
    {
        keyId = "";
        if (key is null || key.Length is < 20 or > 128 || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var end = key.IndexOf('_', Prefix.Length);
        if (end != Prefix.Length + KeyIdLength) return false;
        var id = key[Prefix.Length..end];
        if (!id.All(char.IsAsciiHexDigitLower)) return false;
        keyId = id;
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string key, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);
}

/// <summary>The integration keys (<c>integration_keys</c>).</summary>
public interface IIntegrationKeyStore
{
    Task AddAsync(IntegrationKey key, byte[] keyHash, CancellationToken ct);

    Task<IReadOnlyList<IntegrationKey>> ListAsync(CancellationToken ct);

    /// <summary>The key and its stored hash; null when the id is unknown.</summary>
    Task<(IntegrationKey Key, byte[] Hash)?> FindAsync(string keyId, CancellationToken ct);

    /// <summary>Revokes the key; the key as it is now, or null when the id is unknown.</summary>
    Task<IntegrationKey?> RevokeAsync(string keyId, string by, DateTimeOffset at, CancellationToken ct);

    Task TouchAsync(string keyId, DateTimeOffset at, CancellationToken ct);
}
