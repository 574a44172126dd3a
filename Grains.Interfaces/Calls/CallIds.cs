using System.Security.Cryptography;

namespace Hotline.Calls;

/// <summary>Call ids for calls that do not bring one from SIP: time-ordered, readable in logs, never reused.</summary>
public static class CallIds
{
    /// <summary>For example <c>sim-20261123T093000-4f1c9a2b</c>.</summary>
    public static string New(string prefix, TimeProvider time) =>
        $"{prefix}-{time.GetUtcNow():yyyyMMdd'T'HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
