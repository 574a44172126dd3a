using Hotline.Common;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hotline.Calls;
using Hotline.Seats;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>
/// The silo's telephony edge: SIP on <see cref="TelephonySettings.SipPort"/>, RTP on its port range. Every inbound
/// call becomes a <see cref="SipCall"/> with its grain placed on this silo; phones' registrations go to grains so
/// that any silo's edge can ring any seat.
/// </summary>
public sealed class EdgeHost(
    TelephonySettings settings,
    IGrainFactory grains,
    ICallMediaRegistry registry,
    RecordingStore recordings,
    SpeechSynthesis speech,
    IvrLauncher ivr,
    PromptAudio prompts,
    ILoggerFactory loggers) : IHostedService, ISipCallHandler, IOutboundDialer
{
    private readonly ILogger _logger = loggers.CreateLogger<EdgeHost>();
    private readonly ConcurrentDictionary<string, SipCall> _calls = new(StringComparer.Ordinal);
    private readonly IPNetwork[] _registerFrom = settings.RegisterFrom.Select(n => IPNetwork.Parse(n)).ToArray();
    private MediaEngine? _media;
    private EdgeServices? _services;

    public SipEdge? Sip { get; private set; }

    /// <summary>False from start-up until the edge takes calls; true at once when the edge is disabled.</summary>
    public bool Listening { get; private set; }
    public MediaEngine? Media => _media;

    /// <summary>True once shutdown began: new calls are refused with 503 so that the SIP balancer tries another silo.</summary>
    public bool Draining { get; private set; }

    /// <summary>Inbound calls this edge carries now.</summary>
    public int ActiveCalls => _calls.Count;

    /// <summary>Refuses new inbound calls from now on; the calls already here go on until they end or the edge stops.</summary>
    public void StopTakingCalls()
    {
        if (Draining) return;
        Draining = true;
        _logger.LogInformation("Telephony edge draining: new calls refused, {Calls} calls still talking", _calls.Count);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            _logger.LogInformation("Telephony edge disabled on this silo");
            Listening = true;
            return;
        }
        var bind = IPAddress.Parse(settings.BindAddress);
        _media = new MediaEngine(new MediaEngineOptions { BindAddress = bind, PortMin = settings.RtpPortMin, PortMax = settings.RtpPortMax }, loggers);
        _media.Start();
        Sip = new SipEdge(new SipEdgeOptions
        {
            BindAddress = bind,
            Port = settings.SipPort,
            AdvertisedAddress = IPAddress.Parse(settings.AdvertisedAddress ?? settings.BindAddress),
        }, _media, this, TimeProvider.System, loggers);
        try
        {
            await Sip.StartAsync(cancellationToken);
        }
        catch (SocketException e)
        {
            throw new ConfigurationException(
                $"cannot listen for SIP on {settings.BindAddress}:{settings.SipPort}: {e.Message} (set {TelephonySettings.Section}:SipPort, or Enabled=false)");
        }
        _services = new EdgeServices(grains, registry, recordings, prompts, speech, ivr, Sip, settings, _logger);
        Listening = true;
        _logger.LogInformation("Telephony edge listening for SIP on {EndPoint}; recordings in {Recordings}", Sip.LocalEndPoint, recordings.Root);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_calls.Values.Select(c => c.HangupAsync()));
        if (Sip is not null) await Sip.DisposeAsync();
        if (_media is not null) await _media.DisposeAsync();
    }

    public string? CannotDial => _services switch
    {
        null => "The telephony edge on this silo is not running (Hotline:Telephony:Enabled).",
        { HasGateway: false } => "No outbound gateway is configured (Hotline:Telephony:OutboundGateway), so the hotline cannot call out.",
        _ => null,
    };

    public ICallMedia Dial(string callId, OutboundCall call)
    {
        var services = _services ?? throw new InvalidOperationException(CannotDial);
        var outbound = new OutboundSipCall(services, callId, call);
        registry.Register(callId, outbound);
        _logger.LogInformation("Call {CallId}: seat {JobNo} calls {Number}", callId, call.JobNo, PhoneMask.Mask(call.To));
        _ = Task.Run(outbound.RunAsync);
        return outbound;
    }

    public Task OnIncomingCallAsync(CallLeg leg)
    {
        if (Draining)
        {
            _logger.LogInformation("INVITE Call-ID {SipCallId} refused: this silo is shutting down", leg.CallId);
            return leg.RejectAsync(503, "Service Unavailable");
        }
        var call = new SipCall(_services!, leg, CallIds.New("sip", TimeProvider.System));
        _calls[call.CallId] = call;
        _logger.LogInformation("Call {CallId} arrives from {Caller} for {Dialled}", call.CallId, PhoneMask.Mask(leg.FromUser), leg.ToUser);
        _ = Task.Run(async () =>
        {
            try
            {
                await call.RunAsync();
                await leg.Ended;
            }
            finally
            {
                _calls.TryRemove(call.CallId, out _);
            }
        });
        return Task.CompletedTask;
    }

    public async Task<SipRegistrationResult> OnRegisterAsync(SipRegistration registration)
    {
        var source = registration.Source.Address.IsIPv4MappedToIPv6 ? registration.Source.Address.MapToIPv4() : registration.Source.Address;
        if (!_registerFrom.Any(n => n.Contains(source)))
        {
            _logger.LogWarning("REGISTER for {User} from {Source} refused: not a trusted network", registration.User, source);
            return new SipRegistrationResult(403, TimeSpan.Zero);
        }
        if (registration.User.Length is 0 or > 16 || !registration.User.All(char.IsAsciiDigit))
            return SipRegistrationResult.NotFound; // phones register as a seat's job number
        var lifetime = registration.Expires > TimeSpan.FromSeconds(settings.MaxRegistrationSeconds)
            ? TimeSpan.FromSeconds(settings.MaxRegistrationSeconds)
            : registration.Expires;
        await grains.GetGrain<IPhoneRegistrationGrain>(registration.User).RegisterAsync(registration.Contact.ToString(), lifetime, registration.Transport);
        _logger.LogInformation("Phone of seat {JobNo} {Action} at {Contact}", registration.User,
            lifetime > TimeSpan.Zero ? "registered" : "unregistered", registration.Contact);
        return SipRegistrationResult.Ok(lifetime);
    }
}
