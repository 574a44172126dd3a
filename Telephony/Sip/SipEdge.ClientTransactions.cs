using System.Globalization;
using System.Net;

namespace Hotline.Telephony.Sip;

/// <summary>
/// Client transactions (RFC 3261 §17.1): requests retransmitted on UDP (Timers A and E), given up with a synthesized
/// 408 (Timers B and F), responses matched by branch and method, the ACK for a failure sent in the transaction, and
/// kept a while for retransmitted finals (Timers D and K).
/// </summary>
public sealed partial class SipEdge
{
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
}
