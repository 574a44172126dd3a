using System.Net;
using System.Net.Sockets;
using System.Text;
using Hotline.Telephony.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Telephony.Tests.Sip;

public sealed class SipEdgeRobustnessTests
{
    /// <summary>Counts what the edge logs at Error: a handled-but-failed message shows up here.</summary>
    private sealed class ErrorCountingLoggers : ILoggerFactory, ILogger
    {
        public int Errors;
        public readonly List<string> Messages = [];

        public ILogger CreateLogger(string categoryName) => this;
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Interlocked.Increment(ref Errors);
                lock (Messages)
                {
                    Messages.Add(formatter(state, exception) + " " + exception);
                }
            }
        }
    }

    [Fact]
    public async Task Thousands_of_mutated_datagrams_never_fail_a_handler_and_the_edge_still_answers()
    {
        var loggers = new ErrorCountingLoggers();
        var time = new FakeTimeProvider();
        await using var edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0, EnableTcp = false },
            new FakeMediaFactory(), new TestCallHandler(), time, loggers);
        await edge.StartAsync(CancellationToken.None);
        using var peer = new SipTestPeer(edge.LocalEndPoint);
        var rng = new Random(4242);
        var samples = SipSamples.All.Select(s => Encoding.UTF8.GetBytes(s.Replace("127.0.0.1:5061", $"127.0.0.1:{peer.Port}"))).ToArray();
        const int count = 3000;
        for (var i = 0; i < count; i++)
        {
            var data = samples[rng.Next(samples.Length)].ToArray();
            for (var k = 0; k < 1 + rng.Next(4); k++)
            {
                var pos = rng.Next(data.Length);
                data[pos] = (byte)(data[pos] ^ (1 << rng.Next(8)));
            }
            peer.SendRaw(data.AsSpan(0, rng.Next(2) == 0 ? data.Length : rng.Next(1, data.Length)).ToArray());
            if (i % 200 == 0)
            {
                time.Advance(TimeSpan.FromSeconds(1)); // let retransmission and expiry timers run on the debris too
            }
        }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (edge.GetStats().MessagesReceived < count && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        time.Advance(TimeSpan.FromSeconds(40));

        using var probe = new SipTestPeer(edge.LocalEndPoint);
        probe.Send(SipSamples.KamailioOptions.Replace("10.0.0.1:5060", $"127.0.0.1:{probe.Port}"));
        Assert.Equal(200, (await probe.ReceiveAsync()).StatusCode);
        var stats = edge.GetStats();
        Assert.True(stats.MalformedDropped + stats.BadRequestsAnswered > 100, $"{stats}");
        Assert.True(loggers.Errors == 0, string.Join("\n", loggers.Messages.Take(5)));
    }

    [Fact]
    public async Task Starting_on_a_taken_port_fails_with_a_clear_message()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        await using var edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = port },
            new FakeMediaFactory(), new TestCallHandler(), null, null);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => edge.StartAsync(CancellationToken.None));
        Assert.Contains($"cannot bind UDP 127.0.0.1:{port}", ex.Message);
    }
}
