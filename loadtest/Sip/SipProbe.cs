using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hotline.LoadTest.Sip;

/// <summary>Asks a SIP address whether anything answers there: one OPTIONS over UDP, any SIP response within the timeout.</summary>
public static class SipProbe
{
    public static async Task<string?> OptionsAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var branch = "z9hG4bK" + Random.Shared.NextInt64().ToString("x", CultureInfo.InvariantCulture);
        var callId = Guid.NewGuid().ToString("N") + "@loadtest";
        var request = string.Join("\r\n",
            $"OPTIONS sip:{target} SIP/2.0",
            $"Via: SIP/2.0/UDP {local};branch={branch};rport",
            "Max-Forwards: 70",
            $"From: <sip:loadtest@{local}>;tag={Random.Shared.Next():x}",
            $"To: <sip:{target}>",
            $"Call-ID: {callId}",
            "CSeq: 1 OPTIONS",
            $"Contact: <sip:loadtest@{local}>",
            "Accept: application/sdp",
            "Content-Length: 0",
            "", "");
        var bytes = Encoding.ASCII.GetBytes(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // UDP may lose the first datagram: send again as a SIP client would (T1 = 500 ms).
            var resend = Task.Run(async () =>
            {
                while (!deadline.IsCancellationRequested)
                {
                    await udp.SendAsync(bytes, target, deadline.Token);
                    await Task.Delay(500, deadline.Token);
                }
            }, deadline.Token);
            while (true)
            {
                var reply = await udp.ReceiveAsync(deadline.Token);
                var text = Encoding.ASCII.GetString(reply.Buffer);
                if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal)) return text.Split("\r\n")[0];
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (SocketException)
        {
            // ICMP port unreachable surfaces as a reset on Linux: nothing listens there.
            return null;
        }
    }
}
