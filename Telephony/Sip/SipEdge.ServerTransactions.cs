using System.Globalization;
using System.Net;
using System.Text;

namespace Hotline.Telephony.Sip;

/// <summary>
/// Server transactions (RFC 3261 §17.2, RFC 6026): keyed by top-Via branch and method; the last response again for a
/// retransmitted request; 2xx and non-2xx retransmission until the ACK; Timers G, H, I, J; ACK and CANCEL matched to
/// the INVITE they belong to.
/// </summary>
public sealed partial class SipEdge
{
    private static string ServerKey(SipMessage request, string method)
    {
        var branch = SipVia.Parse(request.TopVia)?.Branch;
        // RFC 2543 peers have no magic-cookie branch: fall back to Call-ID and CSeq number.
        return branch is not null && branch.StartsWith("z9hG4bK", StringComparison.Ordinal)
            ? $"{branch}|{method}"
            : $"{request.CallId}|{request.CSeq.Number}|{request.FromTag}|{method}";
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
}
