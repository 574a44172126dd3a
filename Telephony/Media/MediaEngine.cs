using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotline.Telephony.Media;

/// <summary>
/// The RTP sockets of an edge and the single pacing loop that sends every stream's packets (no timer per call).
/// </summary>
public sealed partial class MediaEngine : IAsyncDisposable
{
    /// <summary>The pacing interval: every stream produces one 20 ms frame per tick.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Ticks run back to back when the loop wakes late by up to this many; beyond it they are skipped
    /// (timestamps still advance) rather than sent as a burst the peer's jitter buffer would drop.</summary>
    internal const int MaxCatchUpTicks = 3;

    private readonly Lock _gate = new();
    private readonly HashSet<int> _usedPorts = [];
    private readonly ILogger _logger;
    private readonly LatencyHistogram _lateness = new();
    private volatile MediaStream[] _streams = [];
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _resetStats;
    private int _nextPort;
    private long _packetsSent;
    private long _packetsReceived;
    private long _packetsDropped;
    private long _ticksSkipped;
    private long _tick;
    private long _datagramsHandled;
    private readonly bool _pacedByCaller;

    public MediaEngine(MediaEngineOptions options, ILoggerFactory? loggers = null)
        : this(options, loggers, TimeProvider.System)
    {
    }

    /// <summary>With a time provider for digit and DTMF timeouts (tests pass a fake one). Packet pacing always
    /// runs on the real clock.</summary>
    public MediaEngine(MediaEngineOptions options, ILoggerFactory? loggers, TimeProvider time)
        : this(options, loggers, time, pacedByCaller: false)
    {
    }

    /// <summary>With <paramref name="pacedByCaller"/>, no pacing thread runs: a test calls <see cref="RunTicks"/> and
    /// so decides exactly how many frames are sent, recorded and mixed, whatever the load on the machine.</summary>
    internal MediaEngine(MediaEngineOptions options, ILoggerFactory? loggers, TimeProvider time, bool pacedByCaller)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PortMin < 1 || options.PortMax > 65535 || options.PortMin > options.PortMax)
        {
            throw new ArgumentException($"RTP port range {options.PortMin}-{options.PortMax} is not valid", nameof(options));
        }
        Options = options;
        Time = time;
        Loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = Loggers.CreateLogger<MediaEngine>();
        _nextPort = FirstEvenPort;
        _pacedByCaller = pacedByCaller;
    }

    public MediaEngineOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILoggerFactory Loggers { get; }

    private int FirstEvenPort => Options.PortMin + (Options.PortMin & 1);

    /// <summary>Starts the pacing loop (idempotent).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_thread is not null || _stopping || _pacedByCaller)
            {
                return;
            }
            _thread = new Thread(PacingLoop) { IsBackground = true, Name = "rtp-pacing", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            thread = _thread;
        }
        thread?.Join();
        foreach (var stream in _streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opens a stream on a free even port of the range. Throws <see cref="InvalidOperationException"/> when none is free.</summary>
    public MediaStream OpenStream()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        Start();
        lock (_gate)
        {
            int evenPorts = (Options.PortMax - FirstEvenPort) / 2 + 1;
            for (int attempt = 0; attempt < evenPorts; attempt++)
            {
                int port = _nextPort;
                _nextPort = port + 2 > Options.PortMax ? FirstEvenPort : port + 2;
                if (_usedPorts.Contains(port))
                {
                    continue;
                }
                var socket = TryBind(port);
                if (socket is null)
                {
                    continue;
                }
                _usedPorts.Add(port);
                var stream = new MediaStream(this, socket);
                _streams = [.. _streams, stream];
                stream.StartReceiving();
                return stream;
            }
        }
        throw new InvalidOperationException(
            $"No free even RTP port in {Options.PortMin}-{Options.PortMax} on {Options.BindAddress}");
    }

    public MediaEngineStats GetStats() => new(
        _streams.Length,
        Interlocked.Read(ref _packetsSent),
        Interlocked.Read(ref _packetsReceived),
        Interlocked.Read(ref _packetsDropped),
        _lateness.Percentile(0.50),
        _lateness.Percentile(0.99),
        _lateness.MaxMs);

    /// <summary>Pacing ticks so far (run or skipped).</summary>
    internal long Ticks => Interlocked.Read(ref _tick);

    /// <summary>Datagrams the streams' receive loops have finished handling (delivered to taps, digits reported, or
    /// dropped): a caller-paced test waits for this to reach the packets sent before it runs the next tick.</summary>
    internal long DatagramsHandled => Interlocked.Read(ref _datagramsHandled);

    /// <summary>Runs <paramref name="count"/> pacing ticks now, on the calling thread (caller-paced engines only).</summary>
    internal void RunTicks(int count)
    {
        if (!_pacedByCaller)
        {
            throw new InvalidOperationException("The pacing thread drives this engine");
        }
        for (int i = 0; i < count; i++)
        {
            RunTick(Interlocked.Increment(ref _tick) - 1, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Ticks the pacing loop skipped because it woke more than <see cref="MaxCatchUpTicks"/> late.</summary>
    public long TicksSkipped => Interlocked.Read(ref _ticksSkipped);

    /// <summary>Starts the lateness percentiles afresh (e.g. after a benchmark's ramp-up); takes effect at the next tick.</summary>
    public void ResetLatenessStats() => _resetStats = true;

    internal void CountSent() => Interlocked.Increment(ref _packetsSent);

    internal void CountReceived() => Interlocked.Increment(ref _packetsReceived);

    internal void CountDropped() => Interlocked.Increment(ref _packetsDropped);

    internal void CountHandled() => Interlocked.Increment(ref _datagramsHandled);

    /// <summary>Called by the pacing thread after each send.</summary>
    internal void RecordLateness(long deadline) =>
        _lateness.Record((Stopwatch.GetTimestamp() - deadline) * 1000.0 / Stopwatch.Frequency);

    internal void Remove(MediaStream stream, int port)
    {
        lock (_gate)
        {
            _streams = _streams.Where(s => s != stream).ToArray();
            _usedPorts.Remove(port);
        }
    }

    private Socket? TryBind(int port)
    {
        var address = Options.BindAddress;
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(new IPEndPoint(address, port));
            // A send that would block is dropped and counted, never allowed to stall the pacing loop.
            socket.Blocking = false;
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private void PacingLoop()
    {
        long interval = (long)(Stopwatch.Frequency * TickInterval.TotalSeconds);
        long deadline = Stopwatch.GetTimestamp() + interval;
        while (!_stopping)
        {
            WaitUntil(deadline);
            if (_resetStats)
            {
                _resetStats = false;
                _lateness.Reset();
            }
            long late = (Stopwatch.GetTimestamp() - deadline) / interval;
            if (late > MaxCatchUpTicks)
            {
                // Asleep too long (GC pause, starved CPU): skip the lost ticks instead of bursting them out.
                foreach (var stream in _streams)
                {
                    stream.SkipTicks(late);
                }
                Interlocked.Add(ref _ticksSkipped, late);
                Interlocked.Add(ref _tick, late);
                deadline += late * interval;
            }
            RunTick(Interlocked.Increment(ref _tick) - 1, deadline);
            deadline += interval;
        }
    }

    private void RunTick(long tick, long deadline)
    {
        foreach (var stream in _streams)
        {
            try
            {
                stream.Tick(tick, deadline);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One broken stream must not silence every other call on the edge.
                _logger.LogError(e, "RTP stream on port {Port} failed in the pacing loop", stream.LocalEndPoint.Port);
            }
        }
    }

    private static void WaitUntil(long deadline)
    {
        while (true)
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }
            double ms = remaining * 1000.0 / Stopwatch.Frequency;
            if (ms > 1.5)
            {
                // Sleep overshoots by up to a millisecond or so; wake early and yield the rest.
                Thread.Sleep((int)(ms - 1));
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
