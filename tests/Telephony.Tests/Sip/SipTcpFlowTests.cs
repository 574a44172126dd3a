using System.Net;
using System.Net.Sockets;
using System.Text;
using Hotline.Telephony.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Telephony.Tests.Sip;

/// <summary>
/// A phone that registers over TCP (as Linphone does) is rung over the connection it registered on (RFC 3261 §18,
/// RFC 5626 flows); once that connection is gone, dialling it fails at once with 430 Flow Failed. Time is fake and
/// never advanced, so nothing here can pass by a retransmission or a timeout.
/// </summary>
public sealed class SipTcpFlowTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private SipEdge _edge = null!;

    public async Task InitializeAsync()
    {
        _edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0, EnableTcp = true },
            new FakeMediaFactory(), new TestCallHandler(), _time, null);
        await _edge.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _edge.DisposeAsync();

    [Fact]
    public async Task A_phone_registered_over_TCP_is_rung_answered_and_hung_up_over_that_connection()
    {
        using var phone = await TcpPhone.ConnectAsync(_edge.LocalEndPoint);
        // Nothing may reach the contact's port over UDP (the bug: the INVITE went there and rang nothing).
        using var udpAtContact = new UdpClient(new IPEndPoint(IPAddress.Loopback, phone.LocalPort));
        Assert.Equal(200, (await phone.RegisterAsync(expires: 120)).StatusCode);
        var contact = new Uri(phone.Contact);
        Assert.Null(_edge.WhyUnreachable(contact));

        var dial = _edge.DialAsync(contact, "12345", null, CancellationToken.None);
        var invite = await phone.ReceiveAsync();
        Assert.Equal("INVITE", invite.Method);
        Assert.StartsWith("SIP/2.0/TCP ", invite.TopVia);
        Assert.Contains(";transport=tcp", invite.Get("Contact"));
        phone.Send(TcpPhone.Reply(invite, 180, "Ringing", phone.Contact));
        phone.Send(TcpPhone.Reply(invite, 200, "OK", phone.Contact, SipTestPeer.SippSdp));
        var ack = await phone.ReceiveAsync();
        Assert.Equal("ACK", ack.Method);
        var leg = await dial.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(CallLegState.Established, leg.State);

        await leg.HangupAsync();
        var bye = await phone.ReceiveAsync();
        Assert.Equal("BYE", bye.Method);
        phone.Send(TcpPhone.Reply(bye, 200, "OK", phone.Contact));
        Assert.Equal("hangup", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(3))).Reason);
        Assert.Equal(0, udpAtContact.Available);
    }

    [Fact]
    public async Task When_the_connection_a_phone_registered_on_is_closed_dialling_it_fails_at_once_with_flow_failed()
    {
        Uri contact;
        int contactPort;
        using (var phone = await TcpPhone.ConnectAsync(_edge.LocalEndPoint))
        {
            Assert.Equal(200, (await phone.RegisterAsync(expires: 120)).StatusCode);
            contact = new Uri(phone.Contact.Replace(";transport=tcp", "", StringComparison.Ordinal)); // even without the URI saying so
            contactPort = phone.LocalPort;
        }
        using var udpAtContact = new UdpClient(new IPEndPoint(IPAddress.Loopback, contactPort));
        await Eventually(() => _edge.WhyUnreachable(contact) is not null, "the edge to see the connection closed");
        Assert.Contains("TCP", _edge.WhyUnreachable(contact));

        var failure = await Assert.ThrowsAsync<SipCallFailedException>(
            () => _edge.DialAsync(contact, "12345", null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(3)));

        Assert.Equal(SipEdge.FlowFailedStatus, failure.Status);
        Assert.Equal(0, udpAtContact.Available);
    }

    [Fact]
    public async Task A_phone_that_reconnects_and_registers_again_is_rung_over_its_new_connection()
    {
        using (var first = await TcpPhone.ConnectAsync(_edge.LocalEndPoint))
        {
            Assert.Equal(200, (await first.RegisterAsync(expires: 120)).StatusCode);
        }
        using var phone = await TcpPhone.ConnectAsync(_edge.LocalEndPoint);
        Assert.Equal(200, (await phone.RegisterAsync(expires: 120)).StatusCode);

        var dial = _edge.DialAsync(new Uri(phone.Contact), "12345", null, CancellationToken.None);
        var invite = await phone.ReceiveAsync();

        Assert.Equal("INVITE", invite.Method);
        phone.Send(TcpPhone.Reply(invite, 486, "Busy Here", phone.Contact));
        Assert.Equal("ACK", (await phone.ReceiveAsync()).Method);
        Assert.Equal(486, (await Assert.ThrowsAsync<SipCallFailedException>(() => dial.WaitAsync(TimeSpan.FromSeconds(3)))).Status);
    }

    [Fact]
    public async Task A_phone_that_unregisters_leaves_no_flow_and_a_tcp_contact_without_a_connection_fails_at_once()
    {
        using var phone = await TcpPhone.ConnectAsync(_edge.LocalEndPoint);
        Assert.Equal(200, (await phone.RegisterAsync(expires: 120)).StatusCode);
        Assert.Equal(200, (await phone.RegisterAsync(expires: 0)).StatusCode);
        // The contact names a port nobody connected from: only TCP could reach it, and no connection is there.
        var elsewhere = new Uri($"sip:agent1@127.0.0.1:{phone.LocalPort + 1};transport=tcp");

        Assert.NotNull(_edge.WhyUnreachable(elsewhere));
        var failure = await Assert.ThrowsAsync<SipCallFailedException>(
            () => _edge.DialAsync(elsewhere, "12345", null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal(430, failure.Status);
    }

    [Fact]
    public void A_UDP_contact_is_reachable_without_any_connection() =>
        Assert.Null(_edge.WhyUnreachable(new Uri("sip:agent1@127.0.0.1:5099")));

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>A softphone's TCP side: one connection to the edge, its Contact the connection's own ephemeral port.</summary>
    private sealed class TcpPhone : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly IPEndPoint _edge;
        private readonly byte[] _buffer = new byte[65536];
        private int _filled;
        private int _cseq;

        private TcpPhone(TcpClient tcp, IPEndPoint edge)
        {
            _tcp = tcp;
            _edge = edge;
        }

        public int LocalPort => ((IPEndPoint)_tcp.Client.LocalEndPoint!).Port;

        public string Contact => $"sip:agent1@127.0.0.1:{LocalPort};transport=tcp";

        public static async Task<TcpPhone> ConnectAsync(IPEndPoint edge)
        {
            var tcp = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await tcp.ConnectAsync(edge);
            return new TcpPhone(tcp, edge);
        }

        public async Task<SipMessage> RegisterAsync(int expires)
        {
            _cseq++;
            Send($"""
                REGISTER sip:127.0.0.1:{_edge.Port};transport=tcp SIP/2.0
                Via: SIP/2.0/TCP 127.0.0.1:{LocalPort};branch=z9hG4bKtcp{_cseq};rport
                From: <sip:agent1@127.0.0.1>;tag=tcp-phone
                To: <sip:agent1@127.0.0.1>
                Call-ID: tcp-register-1
                CSeq: {_cseq} REGISTER
                Contact: <{Contact}>;expires={expires}
                Max-Forwards: 70
                Content-Length: 0


                """);
            return await ReceiveAsync();
        }

        public void Send(string text) => _tcp.Client.Send(Encoding.UTF8.GetBytes(SipSamples.Crlf(text)));

        public async Task<SipMessage> ReceiveAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            while (true)
            {
                int length = SipParser.FrameLength(_buffer.AsSpan(0, _filled));
                if (length > 0)
                {
                    var parsed = SipParser.Parse(_buffer.AsSpan(0, length));
                    _filled -= length;
                    Buffer.BlockCopy(_buffer, length, _buffer, 0, _filled);
                    Assert.True(parsed.Success, parsed.Error);
                    if (parsed.Message!.StatusCode == 100) continue;
                    return parsed.Message;
                }
                int read = await _tcp.Client.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, timeout.Token);
                Assert.True(read > 0, "the edge closed the connection");
                _filled += read;
            }
        }

        public static string Reply(SipMessage request, int status, string reason, string contact, string? sdp = null)
        {
            var r = SipMessage.Response(status, reason);
            foreach (var via in request.GetAll("Via"))
            {
                r.Add("Via", via);
            }
            r.Add("From", request.From);
            r.Add("To", request.ToTag is not null ? request.To : request.To + ";tag=phone-tag");
            r.Add("Call-ID", request.CallId);
            r.Add("CSeq", request.Get("CSeq")!);
            r.Add("Contact", $"<{contact}>");
            if (sdp is not null)
            {
                r.Add("Content-Type", "application/sdp");
                r.Body = Encoding.UTF8.GetBytes(SipSamples.Crlf(sdp));
            }
            return r.ToString();
        }

        public void Dispose() => _tcp.Dispose();
    }
}
