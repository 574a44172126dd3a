using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>Where a message came from, and how to answer on the same path (symmetric signalling).</summary>
internal sealed record SipSource(IPEndPoint EndPoint, SipTcpConnection? Connection)
{
    public string Transport => Connection is null ? "UDP" : "TCP";
}

/// <summary>One accepted or opened TCP connection; responses and in-dialog requests reuse it.</summary>
internal sealed class SipTcpConnection(Socket socket, IPEndPoint remote) : IDisposable
{
    private readonly Lock _write = new();

    public IPEndPoint Remote { get; } = remote;

    public bool IsOpen { get; private set; } = true;

    public Socket Socket { get; } = socket;

    public bool Send(byte[] data)
    {
        lock (_write)
        {
            try
            {
                Socket.Send(data);
                return true;
            }
            catch (SocketException)
            {
                IsOpen = false;
                return false;
            }
            catch (ObjectDisposedException)
            {
                IsOpen = false;
                return false;
            }
        }
    }

    public void Dispose()
    {
        IsOpen = false;
        Socket.Dispose();
    }
}

/// <summary>
/// The edge's sockets: a UDP receive loop and (optionally) a TCP listener with Content-Length framing on the
/// same port. Every received message goes to <see cref="_onMessage"/> with its source.
/// </summary>
internal sealed class SipTransport : IAsyncDisposable
{
    private readonly Action<byte[], SipSource> _onMessage;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _tcp = new();
    private Socket? _udp;
    private TcpListener? _listener;
    private readonly List<Task> _loops = [];

    public SipTransport(Action<byte[], SipSource> onMessage, ILogger log)
    {
        _onMessage = onMessage;
        _log = log;
    }

    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.Any, 0);

    public void Start(IPAddress bind, int port, bool tcp)
    {
        // Port 0 picks a free UDP port; TCP must then get the same number, which can race: retry a few times.
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(bind, port));
            }
            catch (SocketException ex)
            {
                udp.Dispose();
                throw new InvalidOperationException($"SIP edge cannot bind UDP {bind}:{port}: {ex.SocketErrorCode}", ex);
            }
            var bound = (IPEndPoint)udp.LocalEndPoint!;
            if (tcp)
            {
                var listener = new TcpListener(bind, bound.Port);
                try
                {
                    listener.Start(512);
                    _listener = listener;
                }
                catch (SocketException ex)
                {
                    udp.Dispose();
                    if (port == 0 && attempt < 5)
                    {
                        continue;
                    }
                    throw new InvalidOperationException($"SIP edge cannot bind TCP {bind}:{bound.Port}: {ex.SocketErrorCode}", ex);
                }
            }
            // Large buffers: a call storm's INVITEs arrive in bursts.
            udp.ReceiveBufferSize = 4 * 1024 * 1024;
            _udp = udp;
            LocalEndPoint = bound;
            break;
        }
        _loops.Add(Task.Run(UdpLoopAsync));
        if (_listener is not null)
        {
            _loops.Add(Task.Run(AcceptLoopAsync));
        }
    }

    /// <summary>An open connection a peer made from <paramref name="remote"/>, or null.</summary>
    public SipTcpConnection? OpenConnectionFrom(IPEndPoint remote) =>
        _tcp.TryGetValue(remote, out var connection) && connection.IsOpen ? connection : null;

    public void Send(byte[] data, IPEndPoint to, SipTcpConnection? connection)
    {
        if (connection is not null)
        {
            if (connection.IsOpen && connection.Send(data))
            {
                return;
            }
            if (_tcp.TryGetValue(connection.Remote, out var again) && again != connection && again.Send(data))
            {
                return;
            }
            _log.LogDebug("TCP connection to {Remote} is gone; message dropped", connection.Remote);
            return;
        }
        try
        {
            _udp?.SendTo(data, SocketFlags.None, to);
        }
        catch (SocketException ex)
        {
            _log.LogDebug("UDP send to {Remote} failed: {Error}", to, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(_udp!.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier send shows up here on some systems: keep serving.
                _log.LogDebug("UDP receive: {Error}", ex.SocketErrorCode);
                continue;
            }
            if (r.ReceivedBytes == 0)
            {
                continue;
            }
            _onMessage(buffer.AsSpan(0, r.ReceivedBytes).ToArray(), new SipSource((IPEndPoint)r.RemoteEndPoint, null));
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await _listener!.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _log.LogDebug("TCP accept: {Error}", ex.SocketErrorCode);
                continue;
            }
            var conn = new SipTcpConnection(s, (IPEndPoint)s.RemoteEndPoint!);
            _tcp[conn.Remote] = conn;
            _ = Task.Run(() => TcpReadLoopAsync(conn));
        }
    }

    private async Task TcpReadLoopAsync(SipTcpConnection conn)
    {
        var buffer = new byte[16384];
        var filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= 1 << 20)
                    {
                        _log.LogDebug("TCP peer {Remote} sent an unframeable stream; closing", conn.Remote);
                        return;
                    }
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var n = await conn.Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    return;
                }
                filled += n;
                while (filled > 0)
                {
                    var skip = SipParser.SkipKeepAlive(buffer.AsSpan(0, filled));
                    if (skip > 0)
                    {
                        Buffer.BlockCopy(buffer, skip, buffer, 0, filled - skip);
                        filled -= skip;
                        continue;
                    }
                    var len = SipParser.FrameLength(buffer.AsSpan(0, filled));
                    if (len < 0)
                    {
                        // RFC 3261 §18.3: without Content-Length a stream cannot be framed; the connection is closed.
                        _log.LogDebug("TCP peer {Remote} sent a message without Content-Length; closing", conn.Remote);
                        _onMessage(buffer.AsSpan(0, filled).ToArray(), new SipSource(conn.Remote, conn));
                        return;
                    }
                    if (len == 0)
                    {
                        break;
                    }
                    _onMessage(buffer.AsSpan(0, len).ToArray(), new SipSource(conn.Remote, conn));
                    Buffer.BlockCopy(buffer, len, buffer, 0, filled - len);
                    filled -= len;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _tcp.TryRemove(new KeyValuePair<IPEndPoint, SipTcpConnection>(conn.Remote, conn));
            conn.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp?.Dispose();
        _listener?.Stop();
        foreach (var c in _tcp.Values)
        {
            c.Dispose();
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            _log.LogDebug("SIP transport loops did not stop within 2 s");
        }
        _stop.Dispose();
    }
}
