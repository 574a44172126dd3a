using System.Security.Cryptography;

namespace Hotline.Calls;

/// <summary>Call ids: time-ordered, readable in logs, never reused. SIP calls get one too: a SIP Call-ID is the peer's choice of string.</summary>
public static class CallIds
{
    /// <summary>For example <c>sim-20261123T093000-4f1c9a2b</c>.</summary>
    public static string New(string prefix, TimeProvider time) =>
        $"{prefix}-{time.GetUtcNow():yyyyMMdd'T'HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
