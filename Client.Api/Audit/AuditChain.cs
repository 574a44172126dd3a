using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hotline.Api.Audit;

/// <summary>What one audit row says: who, when, from where, what, with what outcome.</summary>
public sealed record AuditRecord(DateTimeOffset At, string JobNo, string Roles, string Source, string Action, string Entity, int Outcome)
{
    /// <summary>PostgreSQL keeps microseconds: the hash is taken over the time as it will be read back.</summary>
    public AuditRecord Normalised() => this with { At = new DateTimeOffset(At.UtcTicks - At.UtcTicks % 10, TimeSpan.Zero) };
}

/// <summary>A row as stored: its id, its content and the two hashes.</summary>
public sealed record StoredAuditEntry(long Id, AuditRecord Record, byte[] PreviousHash, byte[] Hash);

/// <summary>The first row where the chain breaks, and why.</summary>
public sealed record ChainBreak(long Id, string Reason);

/// <summary>
/// The hash chain of the audit trail: each row's hash is SHA-256 over the previous row's hash and the row's content
/// (fields joined by U+001F), the first row's previous hash is 32 zero bytes. A row changed in place no longer matches
/// its hash; a row removed, or changed with its hash recomputed, breaks the next row's link.
/// </summary>
public static class AuditChain
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] HashOf(AuditRecord record, byte[] previousHash)
    {
        var r = record.Normalised();
        var micros = (r.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var content = string.Join('\u001f', micros.ToString(CultureInfo.InvariantCulture), r.JobNo, r.Roles, r.Source, r.Action, r.Entity,
            r.Outcome.ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(content);
        var buffer = new byte[previousHash.Length + bytes.Length];
        previousHash.CopyTo(buffer, 0);
        bytes.CopyTo(buffer, previousHash.Length);
        return SHA256.HashData(buffer);
    }

    /// <summary>Walks rows in id order from the first; the first break, or null when the chain holds.</summary>
    public static ChainBreak? Verify(IEnumerable<StoredAuditEntry> rows, Action<long>? counted = null)
    {
        var expected = Genesis;
        long? previousId = null;
        foreach (var row in rows)
        {
            if (!row.PreviousHash.AsSpan().SequenceEqual(expected))
                return new ChainBreak(row.Id, previousId is { } p
                    ? $"its link to the row before does not match row {p}: a row between them was removed, or row {p} was changed"
                    : "it is the first row but does not start the chain: rows before it were removed");
            if (!row.Hash.AsSpan().SequenceEqual(HashOf(row.Record, row.PreviousHash)))
                return new ChainBreak(row.Id, "its content does not match its hash: the row was changed");
            expected = row.Hash;
            previousId = row.Id;
            counted?.Invoke(row.Id);
        }
        return null;
    }
}
