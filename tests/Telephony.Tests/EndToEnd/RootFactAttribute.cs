namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>A fact that needs root (sipp's play_pcap_audio opens a raw socket). Without root it is reported as
/// skipped with the reason, never silently passed.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: sipp's play_pcap_audio sends RTP through a raw socket (CI runs as root)";
        }
    }
}
