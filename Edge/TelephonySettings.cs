using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Hotline.Edge;

/// <summary>The silo's telephony edge (section <c>Hotline:Telephony</c>).</summary>
public sealed class TelephonySettings : IValidatableObject
{
    public const string Section = "Hotline:Telephony";

    /// <summary>Whether this silo answers SIP. A silo without it still runs grains for calls the others carry.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>SIP over UDP and TCP; 0 picks a free port (tests).</summary>
    [Range(0, 65535)] public int SipPort { get; set; } = 5060;
    public string BindAddress { get; set; } = "0.0.0.0";
    /// <summary>The address phones and trunks reach this silo's edge at (Contact, Via, SDP). Default: the silo's advertised address.</summary>
    public string? AdvertisedAddress { get; set; }
    [Range(1024, 65534)] public int RtpPortMin { get; set; } = 20000;
    [Range(1025, 65535)] public int RtpPortMax { get; set; } = 29999;
    /// <summary>Where recordings are written; the API host must see the same folder to play them back.</summary>
    [Required] public string RecordingsPath { get; set; } = "recordings";
    /// <summary>Networks whose phones may REGISTER as a seat (there is no SIP digest authentication yet).</summary>
    public List<string> RegisterFrom { get; set; } = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
    /// <summary>Longest registration granted to a phone, in seconds.</summary>
    [Range(30, 86400)] public int MaxRegistrationSeconds { get; set; } = 3600;
    /// <summary>How long a new call rings (the caller hears ringback) before the IVR answers it.</summary>
    [Range(0, 30000)] public int AnswerAfterMilliseconds { get; set; } = 300;
    /// <summary>The PSTN gateway or SIP trunk (host:port) that outside numbers are dialled through (a department's
    /// number for the IVR's transfer). Unset: transfers to outside numbers fail and the flow takes its failure branch.</summary>
    public string? OutboundGateway { get; set; }

    /// <summary>The number citizens see when the hotline calls them back (callbacks, return visits).</summary>
    [Required, RegularExpression(@"^\+?[0-9]{3,20}$")] public string HotlineNumber { get; set; } = "12345";

    /// <summary>
    /// Dialled numbers whose callers start in a language of their own, e.g. an English line <c>{"123450": "en"}</c>: the
    /// IVR speaks it, and the call waits in that language's queue. Other numbers start in the flow's language.
    /// </summary>
    public Dictionary<string, string> NumberLanguages { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The language a call to this number starts in, or null for the flow's.</summary>
    public string? LanguageOf(string? dialled) =>
        dialled is not null && NumberLanguages.TryGetValue(dialled, out var language) ? language.Trim().ToLowerInvariant() : null;

    /// <summary>How long a citizen's, a department's or a colleague's phone may ring on a call the hotline places.</summary>
    [Range(5, 300)] public int DialTimeoutSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(BindAddress, out _))
            yield return new ValidationResult($"'{BindAddress}' is not an IP address.", [nameof(BindAddress)]);
        if (AdvertisedAddress is not null && (!IPAddress.TryParse(AdvertisedAddress, out var advertised) || advertised.Equals(IPAddress.Any)))
            yield return new ValidationResult($"'{AdvertisedAddress}' is not a reachable IP address.", [nameof(AdvertisedAddress)]);
        if (RtpPortMax - RtpPortMin < 2)
            yield return new ValidationResult("the RTP port range must hold at least two ports.", [nameof(RtpPortMax)]);
        foreach (var (number, language) in NumberLanguages)
            if (!Hotline.Ivr.IvrFlowValidator.IsLanguageCode(language?.Trim().ToLowerInvariant()))
                yield return new ValidationResult($"'{language}' for number {number} is not a language code like en.", [nameof(NumberLanguages)]);
        foreach (var network in RegisterFrom)
            if (!IPNetwork.TryParse(network, out _))
                yield return new ValidationResult($"'{network}' is not a network (CIDR).", [nameof(RegisterFrom)]);
    }
}
