using Hotline.Calls;
using Hotline.Seats;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>What every SIP call on this silo shares, and where the edge dials a seat or a number.</summary>
public sealed class EdgeServices(
    IGrainFactory grains,
    ICallMediaRegistry registry,
    RecordingStore recordings,
    PromptAudio prompts,
    SpeechSynthesis speech,
    IvrLauncher ivr,
    SipEdge sip,
    TelephonySettings settings,
    ILogger logger)
{
    public IGrainFactory Grains { get; } = grains;
    public ICallMediaRegistry Registry { get; } = registry;
    public RecordingStore Recordings { get; } = recordings;
    public PromptAudio Prompts { get; } = prompts;
    public SpeechSynthesis Speech { get; } = speech;
    public IvrLauncher Ivr { get; } = ivr;
    public SipEdge Sip { get; } = sip;
    public ILogger Logger { get; } = logger;
    public TimeSpan AnswerAfter { get; } = TimeSpan.FromMilliseconds(settings.AnswerAfterMilliseconds);
    /// <summary>How long a third party's or a citizen's phone may ring before the edge gives up.</summary>
    public TimeSpan DialTimeout { get; } = TimeSpan.FromSeconds(settings.DialTimeoutSeconds);
    /// <summary>The number citizens see when the hotline calls them.</summary>
    public string HotlineNumber { get; } = settings.HotlineNumber;
    public bool HasGateway => !string.IsNullOrWhiteSpace(settings.OutboundGateway);
    /// <summary>The language a call to this dialled number starts in (an English line), or null for the flow's.</summary>
    public string? LanguageOf(string? dialled) => settings.LanguageOf(dialled);

    /// <summary>The registered phone of a seat (or a supervisor), or null when none is registered.</summary>
    public async Task<Uri?> PhoneOfAsync(string jobNo) =>
        await Grains.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync() is { } registration ? new Uri(registration.Contact) : null;

    /// <summary>An outside number through the outbound gateway; null without a gateway or for a string that is no number.</summary>
    public Uri? GatewayAddress(string number)
    {
        if (!HasGateway || number.Length is 0 or > 32 || !number.All(c => char.IsAsciiDigit(c) || c is '+' or '*' or '#')) return null;
        return new Uri($"sip:{Uri.EscapeDataString(number)}@{settings.OutboundGateway}");
    }

    public Task<Uri?> AddressOfAsync(PartyAddress target) => target.Kind == PartyAddressKind.Seat
        ? PhoneOfAsync(target.Address)
        : Task.FromResult(GatewayAddress(target.Address));

    /// <summary>What a third party sees as the caller: the citizen's number for an inbound call, the hotline's for an
    /// outbound one (a department called into a return visit sees 12345).</summary>
    public string CallerIdFor(CallLeg citizen) => citizen.Direction == CallLegDirection.Inbound ? citizen.FromUser : HotlineNumber;
}
