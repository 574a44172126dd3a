using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Hotline.Telephony.Media;
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

    // ---------- receiving ----------

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

    private static string ServerKey(SipMessage request, string method)
    {
        var branch = SipVia.Parse(request.TopVia)?.Branch;
        // RFC 2543 peers have no magic-cookie branch: fall back to Call-ID and CSeq number.
        return branch is not null && branch.StartsWith("z9hG4bK", StringComparison.Ordinal)
            ? $"{branch}|{method}"
            : $"{request.CallId}|{request.CSeq.Number}|{request.FromTag}|{method}";
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

    private void OnNewInvite(ServerTransaction st)
    {
        var offer = CallLeg.ReadOffer(st.Request);
        if (st.Request.Body.Length > 0 && (offer is null || !offer.Media.Any(m => m.Port != 0 && Sdp.SdpNegotiator.PickFormat(m) is not null)))
        {
            // Refused before the host sees it: there is nothing it could answer with.
            Respond(st, 488, "Not Acceptable Here", toTag: NewTag());
            CountFailed();
            return;
        }
        ILegMedia media;
        try
        {
            media = _media.Open();
        }
        catch (InvalidOperationException ex)
        {
            _log.LogWarning("No RTP port for Call-ID {CallId}: {Error}", st.Request.CallId, ex.Message);
            Respond(st, 503, "Service Unavailable");
            CountFailed();
            return;
        }
        var leg = CallLeg.Inbound(this, st, media);
        lock (_sync)
        {
            st.Leg = leg;
            _dialogs[leg.DialogKey] = leg;
        }
        _log.LogInformation("INVITE Call-ID {CallId} from {Caller} to {Called}", leg.CallId, MaskNumber(leg.FromUser), MaskNumber(leg.ToUser));
        _ = Task.Run(async () =>
        {
            try
            {
                await _handler.OnIncomingCallAsync(leg);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _log.LogError(ex, "Call handler failed for Call-ID {CallId}", leg.CallId);
                if (leg.State is CallLegState.Incoming or CallLegState.Ringing)
                {
                    await leg.RejectAsync(500, "Server Internal Error");
                }
            }
        });
    }

    private async Task OnRegisterAsync(ServerTransaction st)
    {
        var req = st.Request;
        var contactValue = req.Get(SipHeaderNames.Contact);
        var expiresText = SipHeaderValue.GetParam(contactValue, "expires") ?? req.Get(SipHeaderNames.Expires);
        var expires = int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 3600;
        var contactUri = contactValue is null or "*" ? SipHeaderValue.GetUri(req.To) : SipHeaderValue.GetUri(contactValue);
        if (!Uri.TryCreate(contactUri, UriKind.Absolute, out var contact))
        {
            Respond(st, 400, "Bad Contact");
            return;
        }
        var registration = new SipRegistration(SipHeaderValue.GetUser(req.To), contact, TimeSpan.FromSeconds(expires),
            st.Source.EndPoint, st.Source.Transport);
        SipRegistrationResult result;
        try
        {
            result = await _handler.OnRegisterAsync(registration);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.LogError(ex, "Register handler failed for {User}", MaskNumber(registration.User));
            Respond(st, 500, "Server Internal Error");
            return;
        }
        if (result.Status == 200 && contactValue is not null)
        {
            RememberFlow(contactUri, st.Source, result.GrantedExpires, removeAllOfUser: contactValue == "*");
        }
        Respond(st, result.Status, result.Status == 200 ? "OK" : ReasonFor(result.Status), r =>
        {
            if (result.Status == 200 && contactValue is not null && contactValue != "*")
            {
                r.Add(SipHeaderNames.Contact, $"<{contactUri}>;expires={(int)result.GrantedExpires.TotalSeconds}");
                r.Add(SipHeaderNames.Expires, ((int)result.GrantedExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            }
        });
    }

    private void OnAck(SipMessage ack)
    {
        CallLeg? leg = null;
        lock (_sync)
        {
            // ACK for a non-2xx shares the INVITE's branch: it belongs to the transaction.
            if (_serverTx.TryGetValue(ServerKey(ack, "INVITE"), out var st) && st.LastStatus >= 300)
            {
                if (!st.Acked)
                {
                    st.Acked = true;
                    st.StopTimers();
                    // Timer I: absorb retransmitted ACKs for T4 on UDP, none on TCP.
                    var key = st.Key;
                    st.Timeout = _timers.Schedule(st.Source.Connection is null ? TimeSpan.FromSeconds(5) : TimeSpan.Zero,
                        () => RemoveServer(key, st));
                }
                return;
            }
            // ACK for a 2xx has a new branch: the dialog finds it by Call-ID and tags, never by request-URI.
            if (ack.ToTag is { } toTag)
            {
                _dialogs.TryGetValue(DialogKey(ack.CallId, toTag, ack.FromTag ?? ""), out leg);
            }
        }
        leg?.OnAck(ack);
    }

    private void OnCancel(SipMessage cancel, SipSource source)
    {
        ServerTransaction cancelTx;
        ServerTransaction? inviteTx;
        lock (_sync)
        {
            var key = ServerKey(cancel, "CANCEL");
            if (_serverTx.TryGetValue(key, out var existing))
            {
                if (existing.LastResponse is { } last)
                {
                    _transport.Send(last, existing.Source.EndPoint, existing.Source.Connection);
                }
                return;
            }
            cancelTx = new ServerTransaction(key, cancel, source);
            _serverTx[key] = cancelTx;
            _serverTx.TryGetValue(ServerKey(cancel, "INVITE"), out inviteTx);
            if (inviteTx is null)
            {
                RespondLocked(cancelTx, 481, "Call/Transaction Does Not Exist");
                return;
            }
            RespondLocked(cancelTx, 200, "OK");
        }
        inviteTx.Leg?.OnCancelled(inviteTx);
    }

    private void OnResponse(SipMessage resp)
    {
        var branch = SipVia.Parse(resp.TopVia)?.Branch;
        if (branch is null)
        {
            return;
        }
        var key = $"{branch}|{resp.CSeq.Method}";
        ClientTransaction? ct;
        Action? after = null;
        lock (_sync)
        {
            if (!_clientTx.TryGetValue(key, out ct))
            {
                return;
            }
            if (resp.StatusCode < 200)
            {
                if (ct.Completed)
                {
                    return;
                }
                ct.GotProvisional = true;
                if (ct.IsInvite)
                {
                    ct.Retransmit?.Cancel();
                }
                else if (ct.Connection is null)
                {
                    ct.Interval = _options.T2;
                }
                after = ct.OnProvisional is { } p ? () => p(resp) : null;
            }
            else if (ct.Completed)
            {
                // A retransmitted final: re-ACK (non-2xx, same branch) or let the dialog re-send its ACK (2xx).
                if (ct.AckForFailure is { } ackBytes)
                {
                    _transport.Send(ackBytes, ct.Destination, ct.Connection);
                }
                else if (resp.StatusCode < 300 && ct.On2xxRetransmission is { } again)
                {
                    after = () => again(resp);
                }
            }
            else
            {
                ct.Completed = true;
                ct.StopTimers();
                var linger = TimeSpan.Zero;
                if (ct.IsInvite && resp.StatusCode >= 300)
                {
                    ct.AckForFailure = BuildAckForFailure(ct.Request, resp).ToBytes();
                    _transport.Send(ct.AckForFailure, ct.Destination, ct.Connection);
                    linger = ct.Connection is null ? TimeSpan.FromSeconds(32) : TimeSpan.Zero; // Timer D
                }
                else if (ct.IsInvite)
                {
                    linger = 64 * _options.T1; // keep routing retransmitted 2xx to the dialog's ACK
                }
                else if (ct.Connection is null)
                {
                    linger = TimeSpan.FromSeconds(5); // Timer K
                }
                var k = ct.Key;
                var tx = ct;
                ct.Timeout = _timers.Schedule(linger, () => RemoveClient(k, tx));
                var final = ct.Final;
                after = () => final.TrySetResult(resp);
            }
        }
        after?.Invoke();
    }

    // ---------- server side sending ----------

    internal static string DialogKey(string callId, string localTag, string remoteTag) => $"{callId}|{localTag}|{remoteTag}";

    internal SipMessage BuildResponse(SipMessage req, SipSource source, int status, string reason, string? toTag = null)
    {
        var r = SipMessage.Response(status, reason);
        var first = true;
        foreach (var via in req.GetAll(SipHeaderNames.Via))
        {
            // Symmetric response routing (RFC 3261 §18.2.1, RFC 3581): stamp where the request really came from.
            r.Add(SipHeaderNames.Via, first ? StampVia(via, source.EndPoint) : via);
            first = false;
        }
        r.Add(SipHeaderNames.From, req.From);
        var to = req.To;
        if (toTag is not null && SipHeaderValue.GetParam(to, "tag") is null && status > 100)
        {
            to = SipHeaderValue.WithParam(to, "tag", toTag);
        }
        r.Add(SipHeaderNames.To, to);
        r.Add(SipHeaderNames.CallId, req.CallId);
        r.Add(SipHeaderNames.CSeq, req.Get(SipHeaderNames.CSeq) ?? "");
        r.Add("Server", _options.UserAgent);
        return r;
    }

    private static string StampVia(string via, IPEndPoint source)
    {
        var parts = SipHeaderValue.SplitOutsideQuotes(via, ';');
        var sb = new StringBuilder(parts[0].TrimEnd());
        foreach (var p in parts.Skip(1))
        {
            var name = p.Split('=')[0].Trim();
            if (!name.Equals("received", StringComparison.OrdinalIgnoreCase) && !name.Equals("rport", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(';').Append(p.Trim());
            }
        }
        sb.Append(";received=").Append(source.Address).Append(";rport=").Append(source.Port.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    internal void Respond(ServerTransaction st, int status, string reason, Action<SipMessage>? decorate = null, string? toTag = null,
        SipMessage? prepared = null)
    {
        lock (_sync)
        {
            RespondLocked(st, status, reason, decorate, toTag, prepared);
        }
    }

    /// <summary>Sends a response on a server transaction and arms its timers (2xx and non-2xx retransmission,
    /// Timers G/H for INVITE, Timer J for the rest).</summary>
    internal void RespondLocked(ServerTransaction st, int status, string reason, Action<SipMessage>? decorate = null,
        string? toTag = null, SipMessage? prepared = null)
    {
        if (st.IsFinal)
        {
            return;
        }
        var resp = prepared ?? BuildResponse(st.Request, st.Source, status, reason, toTag);
        decorate?.Invoke(resp);
        var bytes = resp.ToBytes();
        st.LastResponse = bytes;
        st.LastStatus = status;
        _transport.Send(bytes, st.Source.EndPoint, st.Source.Connection);
        if (status < 200)
        {
            return;
        }
        var udp = st.Source.Connection is null;
        var key = st.Key;
        if (st.IsInvite)
        {
            st.Interval = _options.T1;
            if (udp)
            {
                st.Retransmit = _timers.Schedule(st.Interval, () => RetransmitResponse(st));
            }
            st.Timeout = _timers.Schedule(64 * _options.T1, () => OnServerInviteTimeout(st));
        }
        else
        {
            // Timer J: keep the response for retransmitted requests (64·T1 on UDP, none on TCP).
            st.Timeout = _timers.Schedule(udp ? 64 * _options.T1 : TimeSpan.Zero, () => RemoveServer(key, st));
        }
    }

    private void RetransmitResponse(ServerTransaction st)
    {
        lock (_sync)
        {
            if (st.Acked || !_serverTx.ContainsKey(st.Key) || st.LastResponse is null)
            {
                return;
            }
            Interlocked.Increment(ref _retransmissions);
            _transport.Send(st.LastResponse, st.Source.EndPoint, st.Source.Connection);
            st.Interval = st.Interval * 2 > _options.T2 ? _options.T2 : st.Interval * 2;
            st.Retransmit = _timers.Schedule(st.Interval, () => RetransmitResponse(st));
        }
    }

    private void OnServerInviteTimeout(ServerTransaction st)
    {
        bool ackMissing;
        lock (_sync)
        {
            st.Retransmit?.Cancel();
            ackMissing = !st.Acked;
            _serverTx.Remove(st.Key);
        }
        if (ackMissing && st.LastStatus < 300)
        {
            // Timer L / 64·T1 with no ACK for our 2xx: the dialog is confirmed dead (RFC 3261 §13.3.1.4).
            st.Leg?.OnAckTimeout(st);
        }
    }

    /// <summary>The ACK to a 2xx confirmed the answer: stop re-sending it.</summary>
    internal void Confirm2xx(ServerTransaction st)
    {
        lock (_sync)
        {
            st.Acked = true;
            st.Retransmit?.Cancel();
        }
    }

    private void RemoveServer(string key, ServerTransaction st)
    {
        lock (_sync)
        {
            if (_serverTx.TryGetValue(key, out var current) && current == st)
            {
                _serverTx.Remove(key);
            }
        }
    }

    // ---------- client side ----------

    internal static string NewBranch() => "z9hG4bK" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    internal static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    internal string Via(string branch, SipTcpConnection? connection) =>
        $"SIP/2.0/{(connection is null ? "UDP" : "TCP")} {HostPort()};branch={branch};rport";

    internal string HostPort() =>
        _advertised.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{_advertised}]:{ListenPort.ToString(CultureInfo.InvariantCulture)}"
            : $"{_advertised}:{ListenPort.ToString(CultureInfo.InvariantCulture)}";

    internal string ContactHeader(string user, SipTcpConnection? connection) =>
        $"<sip:{user}@{HostPort()}{(connection is null ? "" : ";transport=tcp")}>";

    /// <summary>Starts a client transaction. The task completes with the final response, or a synthesized 408
    /// when Timer B/F fires.</summary>
    internal ClientTransaction SendRequest(SipMessage request, IPEndPoint destination, SipTcpConnection? connection,
        Action<SipMessage>? onProvisional = null, Action<SipMessage>? on2xxRetransmission = null)
    {
        var branch = SipVia.Parse(request.TopVia)?.Branch ?? "";
        var ct = new ClientTransaction($"{branch}|{request.CSeq.Method}", request, request.ToBytes(), destination, connection)
        {
            OnProvisional = onProvisional,
            On2xxRetransmission = on2xxRetransmission,
        };
        lock (_sync)
        {
            _clientTx[ct.Key] = ct;
            _transport.Send(ct.Bytes, destination, connection);
            ct.Interval = _options.T1;
            if (connection is null)
            {
                ct.Retransmit = _timers.Schedule(ct.Interval, () => RetransmitRequest(ct));
            }
            ct.Timeout = _timers.Schedule(64 * _options.T1, () => OnClientTimeout(ct));
        }
        return ct;
    }

    private void RetransmitRequest(ClientTransaction ct)
    {
        lock (_sync)
        {
            if (ct.Completed || (ct.IsInvite && ct.GotProvisional))
            {
                return;
            }
            Interlocked.Increment(ref _retransmissions);
            _transport.Send(ct.Bytes, ct.Destination, ct.Connection);
            // Timer A doubles without bound (Timer B ends it); Timer E is capped at T2.
            ct.Interval = ct.IsInvite ? ct.Interval * 2 : (ct.Interval * 2 > _options.T2 ? _options.T2 : ct.Interval * 2);
            ct.Retransmit = _timers.Schedule(ct.Interval, () => RetransmitRequest(ct));
        }
    }

    private void OnClientTimeout(ClientTransaction ct)
    {
        lock (_sync)
        {
            if (ct.Completed)
            {
                return;
            }
            ct.Completed = true;
            ct.StopTimers();
            _clientTx.Remove(ct.Key);
        }
        ct.Final.TrySetResult(SipMessage.Response(408, "Request Timeout"));
    }

    private void RemoveClient(string key, ClientTransaction ct)
    {
        lock (_sync)
        {
            if (_clientTx.TryGetValue(key, out var current) && current == ct)
            {
                _clientTx.Remove(key);
            }
        }
    }

    private static SipMessage BuildAckForFailure(SipMessage invite, SipMessage response)
    {
        // RFC 3261 §17.1.1.3: same branch, Request-URI, From, Call-ID and Route; the To of the response.
        var ack = SipMessage.Request("ACK", invite.RequestUri);
        ack.Add(SipHeaderNames.Via, invite.TopVia ?? "");
        ack.Add(SipHeaderNames.MaxForwards, "70");
        ack.Add(SipHeaderNames.From, invite.From);
        ack.Add(SipHeaderNames.To, response.To);
        ack.Add(SipHeaderNames.CallId, invite.CallId);
        ack.Add(SipHeaderNames.CSeq, $"{invite.CSeq.Number.ToString(CultureInfo.InvariantCulture)} ACK");
        foreach (var route in invite.GetAll(SipHeaderNames.Route))
        {
            ack.Add(SipHeaderNames.Route, route);
        }
        return ack;
    }

    internal void Send(byte[] bytes, IPEndPoint destination, SipTcpConnection? connection) => _transport.Send(bytes, destination, connection);

    internal void RegisterDialog(CallLeg leg)
    {
        lock (_sync)
        {
            _dialogs[leg.DialogKey] = leg;
        }
    }

    internal void RemoveDialog(CallLeg leg)
    {
        lock (_sync)
        {
            if (_dialogs.TryGetValue(leg.DialogKey, out var current) && current == leg)
            {
                _dialogs.Remove(leg.DialogKey);
            }
        }
    }

    internal SipTimer Schedule(TimeSpan delay, Action callback) => _timers.Schedule(delay, callback);

    internal Lock Sync => _sync;

    internal ILegMedia OpenMedia() => _media.Open();

    /// <summary>A SIP URI's host and port as an endpoint (IP literals, else a DNS lookup).</summary>
    internal static IPEndPoint? Resolve(string uri)
    {
        var u = SipHeaderValue.GetUri(uri);
        var colon = u.IndexOf(':');
        if (colon < 0)
        {
            return null;
        }
        var rest = u[(colon + 1)..];
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            rest = rest[(at + 1)..];
        }
        var cut = rest.IndexOfAny([';', '?', '>']);
        if (cut >= 0)
        {
            rest = rest[..cut];
        }
        string host;
        var port = 5060;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                return null;
            }
            host = rest[1..close];
            if (rest.Length > close + 2 && !int.TryParse(rest[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }
        else
        {
            var pc = rest.LastIndexOf(':');
            host = pc < 0 ? rest : rest[..pc];
            if (pc >= 0 && !int.TryParse(rest[(pc + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }
        if (port is <= 0 or > 65535)
        {
            return null;
        }
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }
        try
        {
            var addrs = Dns.GetHostAddresses(host);
            var v4 = addrs.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addrs.FirstOrDefault();
            return v4 is null ? null : new IPEndPoint(v4, port);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A caller's number for logs: all but the last four digits masked.</summary>
    internal static string MaskNumber(string number) =>
        number.Length <= 4 ? new string('*', number.Length) : new string('*', number.Length - 4) + number[^4..];

    internal static string ReasonFor(int status) => status switch
    {
        180 => "Ringing",
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        430 => "Flow Failed",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        603 => "Decline",
        _ => "Unknown",
    };

    internal Task<CallLeg> DialCore(Uri target, string fromUser, Action? onRinging, CancellationToken cancellationToken) =>
        CallLeg.DialAsync(this, target, fromUser, onRinging, cancellationToken);
}
