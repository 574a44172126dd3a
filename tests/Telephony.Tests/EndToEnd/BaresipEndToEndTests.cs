using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>The edge dials a real baresip (an auto-answering agent phone, as in TELEPHONY.md) and hears its tone.</summary>
public sealed class BaresipEndToEndTests : IAsyncLifetime
{
    private const string BaresipPath = "/usr/bin/baresip";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("baresip-");
    private readonly EndToEndHandler _handler = new();
    private Process? _baresip;
    private int _sipPort;
    private int _ctrlPort;
    private MediaEngine _media = null!;
    private SipEdge _edge = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(BaresipPath), "baresip is not installed (apt-get install baresip-core)");
        _media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 38000, PortMax = 38999 });
        _edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0 }, _media, _handler);
        await _edge.StartAsync(CancellationToken.None);
        WriteTone(Path.Combine(_dir.FullName, "tone.wav"));
        // Ports are picked free but not held: another test project may take one first, and baresip then exits at
        // start-up (98, address in use). Start again on other ports rather than fail on a race with a neighbour.
        for (var attempt = 1; ; attempt++)
        {
            if (await StartBaresipAsync()) return;
            Assert.True(attempt < 3, $"baresip exited with {_baresip!.ExitCode} during start-up, three times");
            _baresip!.Dispose();
        }
    }

    /// <summary>Starts baresip on fresh ports; false if it exited during start-up.</summary>
    private async Task<bool> StartBaresipAsync()
    {
        _sipPort = FreeUdpPort();
        _ctrlPort = FreeTcpPort();
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "config"), $"""
            poll_method epoll
            module_path /usr/lib/baresip/modules
            module g711.so
            module aufile.so
            module alsa.so
            module_app account.so
            module_app menu.so
            module_app ctrl_tcp.so
            ctrl_tcp_listen 127.0.0.1:{_ctrlPort}
            sip_listen 127.0.0.1:{_sipPort}
            sip_transports udp
            net_interface 127.0.0.1
            audio_player alsa,null
            audio_alert alsa,null
            audio_source aufile,{_dir.FullName}/tone.wav
            rtp_ports 39000-39499

            """);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "accounts"),
            $"<sip:agent1@127.0.0.1:{_sipPort}>;regint=0;answermode=auto;audio_codecs=PCMA/8000/1,PCMU/8000/1;ptime=20\n");
        var psi = new ProcessStartInfo(BaresipPath) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(_dir.FullName);
        _baresip = Process.Start(psi)!;
        _baresip.BeginOutputReadLine();
        _baresip.BeginErrorReadLine();
        // Ready once its control socket listens: its "baresip is ready" line can sit in stdout's pipe buffer.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_baresip.HasExited) return false;
            try
            {
                using var control = new TcpClient();
                await control.ConnectAsync(IPAddress.Loopback, _ctrlPort);
                return true;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _media.DisposeAsync();
        if (_baresip is { HasExited: false })
        {
            _baresip.Kill(entireProcessTree: true);
            await _baresip.WaitForExitAsync();
        }
        _baresip?.Dispose();
        _dir.Delete(recursive: true);
    }

    /// <summary>A 10 s 440 Hz tone, 8 kHz mono PCM16 (baresip hangs up when its source file ends).</summary>
    private static void WriteTone(string path)
    {
        var tone = new short[WavWriter.SampleRate * 10];
        for (var i = 0; i < tone.Length; i++) tone[i] = (short)(6000 * Math.Sin(2 * Math.PI * 440 * i / WavWriter.SampleRate));
        using var wav = new WavWriter(path, channels: 1);
        wav.Write(tone);
    }

    private static int FreeUdpPort()
    {
        using var s = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.Client.LocalEndPoint!).Port;
    }

    private static int FreeTcpPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Sends one ctrl_tcp command (netstring-framed JSON).</summary>
    private async Task CommandAsync(string command, string parameters)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _ctrlPort);
        var json = $$"""{"command":"{{command}}","params":"{{parameters}}","token":"t1"}""";
        var frame = System.Text.Encoding.UTF8.GetBytes($"{System.Text.Encoding.UTF8.GetByteCount(json)}:{json},");
        await tcp.GetStream().WriteAsync(frame);
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        _ = await tcp.GetStream().ReadAsync(buffer, cts.Token); // the command's response
    }

    [Fact]
    public async Task Baresip_calling_the_hotline_is_answered_and_its_hangup_ends_the_leg()
    {
        await CommandAsync("dial", $"sip:12345@127.0.0.1:{_edge.LocalEndPoint.Port}");
        var handler = _handler;
        var waited = Stopwatch.StartNew();
        CallLeg? leg = null;
        while (leg is null && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (!handler.Legs.TryPeek(out leg))
            {
                await Task.Delay(20);
            }
        }
        Assert.NotNull(leg);
        Assert.Equal("agent1", leg.FromUser);
        Assert.Equal("12345", leg.ToUser);
        while (leg.Media.ReceivedPeakLevel < 1000 && waited.Elapsed < TimeSpan.FromSeconds(8))
        {
            await Task.Delay(50);
        }
        Assert.Equal(CallLegState.Established, leg.State);
        Assert.True(leg.Media.ReceivedPeakLevel >= 1000, $"peak level {leg.Media.ReceivedPeakLevel}");
        await CommandAsync("hangup", "");
        Assert.Equal("bye", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
    }

    [Fact]
    public async Task Edge_dials_baresip_hears_its_tone_holds_and_resumes_and_hangs_up()
    {
        var leg = await _edge.DialAsync(new Uri($"sip:agent1@127.0.0.1:{_sipPort}"), "12345", null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallLegState.Established, leg.State);
        Assert.Equal(G711Law.Mulaw, leg.Media.Format!.Law); // our offer lists PCMU first

        var waited = Stopwatch.StartNew();
        while (leg.Media.ReceivedPeakLevel < 1000 && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }
        Assert.True(leg.Media.ReceivedPeakLevel >= 1000, $"peak level {leg.Media.ReceivedPeakLevel}");

        await leg.HoldAsync(true).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(leg.Media.Sending);
        await leg.HoldAsync(false).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(leg.Media.Sending);

        await leg.HangupAsync();
        Assert.Equal("hangup", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
        Assert.Equal(0, _edge.GetStats().CallsFailed);
    }

    [Fact]
    public async Task Baresip_transfer_sends_refer_that_the_host_accepts_and_baresip_then_hangs_up()
    {
        var leg = await _edge.DialAsync(new Uri($"sip:agent1@127.0.0.1:{_sipPort}"), "12345", null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        var asked = new TaskCompletionSource<TransferRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        leg.TransferRequested = t =>
        {
            asked.TrySetResult(t);
            return Task.FromResult(true);
        };
        await CommandAsync("transfer", "sip:1002@127.0.0.1:5999");
        var request = await asked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("sip:1002@127.0.0.1:5999", request.Target.OriginalString);
        Assert.Null(request.ReplacesCallId);
        // After our NOTIFY "200 OK" the transferor is done with us.
        Assert.Equal("bye", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
    }
}
