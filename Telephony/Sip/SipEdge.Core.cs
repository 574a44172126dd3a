using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotline.Telephony.Sip;

/// <summary>
/// The edge's SIP machinery: transport → transactions → dialogs → call legs. One lock guards the transaction and
/// dialog tables (a call storm is thousands of messages a second, far below what one lock serves); handlers run
/// on the thread pool, never under the lock.
/// </summary>
public sealed partial class SipEdge
{
    internal const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, REGISTER";

    private readonly SipEdgeOptions _options;
    private readonly ILegMediaFactory _media;
    private readonly ISipCallHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SipTransport _transport;
    private readonly SipTimerQueue _timers;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, ServerTransaction> _serverTx = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClientTransaction> _clientTx = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CallLeg> _dialogs = new(StringComparer.Ordinal);
    private long _received, _malformed, _badRequests, _retransmissions, _invites, _answered, _failed;
    private IPAddress _advertised = IPAddress.Loopback;
    private bool _started;

    internal SipEdge(SipEdgeOptions options, ILegMediaFactory media, ISipCallHandler handler, TimeProvider? time,
        ILoggerFactory? loggers)
    {
        _options = options;
        _media = media;
        _handler = handler;
        _time = time ?? TimeProvider.System;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Hotline.Telephony.Sip.SipEdge");
        _timers = new SipTimerQueue(_time, ex => _log.LogError(ex, "SIP timer callback failed"));
        _transport = new SipTransport(OnDatagram, _log);
    }

    internal IPAddress Advertised => _advertised;
    internal SipEdgeOptions Options => _options;
    internal ILogger Log => _log;
    internal TimeProvider Time => _time;
    internal int ListenPort => _transport.LocalEndPoint.Port;

    private Task StartCore(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _advertised = _options.AdvertisedAddress ?? ChooseAdvertised(_options.BindAddress);
        if (_advertised.Equals(IPAddress.Any) || _advertised.Equals(IPAddress.IPv6Any))
        {
            throw new InvalidOperationException("SipEdgeOptions.AdvertisedAddress must be a reachable address, not 0.0.0.0");
        }
        _transport.Start(_options.BindAddress, _options.Port, _options.EnableTcp);
        _media.Start();
        _started = true;
        _log.LogInformation("SIP edge listening on {EndPoint}, advertised as {Advertised}", _transport.LocalEndPoint, _advertised);
        return Task.CompletedTask;
    }

    private static IPAddress ChooseAdvertised(IPAddress bind)
    {
        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return bind;
        }
        try
        {
            foreach (var ip in Dns.GetHostAddresses(Dns.GetHostName()))
            {
                if (ip.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(ip))
                {
                    return ip;
                }
            }
        }
        catch (SocketException)
        {
            // No resolvable host name: loopback is the only honest answer.
        }
        return IPAddress.Loopback;
    }

    private SipEdgeStats Stats()
    {
        int tx, dialogs;
        lock (_sync)
        {
            tx = _serverTx.Count + _clientTx.Count;
            dialogs = _dialogs.Count;
        }
        return new SipEdgeStats(Interlocked.Read(ref _received), Interlocked.Read(ref _malformed), Interlocked.Read(ref _badRequests),
            Interlocked.Read(ref _retransmissions), tx, dialogs, Interlocked.Read(ref _invites), Interlocked.Read(ref _answered),
            Interlocked.Read(ref _failed));
    }

    internal void CountAnswered() => Interlocked.Increment(ref _answered);

    internal void CountFailed() => Interlocked.Increment(ref _failed);

    private async ValueTask DisposeCore()
    {
        List<CallLeg> legs;
        lock (_sync)
        {
            legs = _dialogs.Values.Distinct().ToList();
        }
        foreach (var leg in legs)
        {
            await leg.HangupAsync();
        }
        _timers.Dispose();
        if (_started)
        {
            await _transport.DisposeAsync();
        }
    }

    private void OnDatagram(byte[] data, SipSource source)
    {
        try
        {
            HandleDatagram(data, source);
        }
        finally
        {
            // Counted once handled, so a test that sees the count move knows the message took effect.
            Interlocked.Increment(ref _received);
        }
    }

    private void HandleDatagram(byte[] data, SipSource source)
    {
        var parsed = SipParser.Parse(data, requireFullBody: source.Connection is null);
        if (!parsed.Success)
        {
            if (parsed.Answerable is { } bad)
            {
                Interlocked.Increment(ref _badRequests);
                _log.LogDebug("Bad request from {Source} ({Error}): 400", source.EndPoint, parsed.Error);
                var resp = BuildResponse(bad, source, 400, "Bad Request - " + parsed.Error);
                _transport.Send(resp.ToBytes(), source.EndPoint, source.Connection);
            }
            else
            {
                Interlocked.Increment(ref _malformed);
                _log.LogDebug("Malformed message from {Source} dropped: {Error}", source.EndPoint, parsed.Error);
            }
            return;
        }
        var msg = parsed.Message!;
        try
        {
            if (msg.IsRequest)
            {
                OnRequest(msg, source);
            }
            else
            {
                OnResponse(msg);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A message that parses but trips a bug must cost that message only, not the edge.
            Interlocked.Increment(ref _malformed);
            _log.LogError(ex, "Failed to handle {Method} {Status} Call-ID {CallId}", msg.Method, msg.StatusCode, msg.CallId);
        }
    }

    private void OnRequest(SipMessage req, SipSource source)
    {
        if (req.Method == "ACK")
        {
            OnAck(req);
            return;
        }
        if (req.Method == "CANCEL")
        {
            OnCancel(req, source);
            return;
        }
        ServerTransaction st;
        CallLeg? leg = null;
        lock (_sync)
        {
            var key = ServerKey(req, req.Method);
            if (_serverTx.TryGetValue(key, out var existing))
            {
                // A retransmitted request: the last response again (nothing yet if the TU has not answered).
                if (existing.LastResponse is { } last)
                {
                    Interlocked.Increment(ref _retransmissions);
                    _transport.Send(last, existing.Source.EndPoint, existing.Source.Connection);
                }
                return;
            }
            st = new ServerTransaction(key, req, source);
            _serverTx[key] = st;
            if (req.ToTag is { Length: > 0 } toTag)
            {
                _dialogs.TryGetValue(DialogKey(req.CallId, toTag, req.FromTag ?? ""), out leg);
                if (leg is null)
                {
                    RespondLocked(st, 481, "Call/Transaction Does Not Exist");
                    return;
                }
            }
            else if (req.Method == "INVITE")
            {
                Interlocked.Increment(ref _invites);
                RespondLocked(st, 100, "Trying");
            }
        }

        if (leg is not null)
        {
            leg.OnInDialogRequest(st);
            return;
        }
        switch (req.Method)
        {
            case "INVITE":
                OnNewInvite(st);
                break;
            case "OPTIONS":
                Respond(st, 200, "OK", r =>
                {
                    r.Add(SipHeaderNames.Allow, AllowedMethods);
                    r.Add(SipHeaderNames.Accept, "application/sdp");
                });
                break;
            case "REGISTER":
                _ = Task.Run(() => OnRegisterAsync(st));
                break;
            case "BYE":
            case "INFO":
            case "NOTIFY":
            case "REFER":
                Respond(st, 481, "Call/Transaction Does Not Exist");
                break;
            default:
                Respond(st, 405, "Method Not Allowed", r => r.Add(SipHeaderNames.Allow, AllowedMethods));
                break;
        }
    }

    internal void Send(byte[] bytes, IPEndPoint destination, SipTcpConnection? connection) => _transport.Send(bytes, destination, connection);

    internal SipTimer Schedule(TimeSpan delay, Action callback) => _timers.Schedule(delay, callback);

    internal Lock Sync => _sync;

    internal ILegMedia OpenMedia() => _media.Open();
}
