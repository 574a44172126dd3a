using System.Diagnostics;
using System.Text;

namespace Hotline.Tests.Telephony;

/// <summary>
/// A real phone: baresip (Debian's baresip-core, installed by ./test.sh), answering every call at once and sending a
/// steady tone as its owner's voice. An agent's or supervisor's phone registers with the hotline's edge as the job
/// number; an outside phone (a citizen, a department's liaison line) just listens where the outbound gateway points.
/// </summary>
public sealed class Baresip : ToolProcess
{

    private readonly int _controlPort;

    private Baresip(Process process, DirectoryInfo folder, int controlPort)
        : base(process, folder)
    {
        _controlPort = controlPort;
    }


    /// <summary>A seat's phone, registered with the hotline as <paramref name="jobNo"/>.</summary>
    // regint: the phone registers with the hotline (the domain of its address of record) and refreshes it.
    public static Task<Baresip> StartAsync(string jobNo, int hotlineSipPort, int toneHz = 440) =>
        LaunchReadyAsync($"<sip:{jobNo}@127.0.0.1:{hotlineSipPort}>;regint=300", HotlineProcess.FreePort, toneHz);

    /// <summary>An outside phone answering calls to <paramref name="number"/> on <paramref name="port"/> (the outbound gateway's address).</summary>
    public static Task<Baresip> ListenAsync(string number, int port, int toneHz) =>
        LaunchReadyAsync($"<sip:{number}@127.0.0.1>;regint=0", () => port, toneHz);

    /// <summary>
    /// Ports are picked free but not held: another test project may take one first, and baresip then exits at start-up
    /// (address in use). It is started again on fresh ports (the control port always, the phone's own unless fixed)
    /// rather than fail on a race with a neighbour; ready once its control socket answers.
    /// </summary>
    private static async Task<Baresip> LaunchReadyAsync(string account, Func<int> phonePort, int toneHz)
    {
        for (var attempt = 1; ; attempt++)
        {
            var phone = await LaunchAsync(account, phonePort(), toneHz);
            if (await phone.ReadyAsync()) return phone;
            var output = phone.Output;
            await phone.DisposeAsync();
            if (attempt == 3) throw new InvalidOperationException($"baresip exited during start-up three times; the last said:\n{output}");
        }
    }

    /// <summary>True once the control socket accepts a connection; false if baresip exited first.</summary>
    private async Task<bool> ReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (Child.HasExited) return false;
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _controlPort);
                return true;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<Baresip> LaunchAsync(string account, int phonePort, int toneHz)
    {
        var folder = Directory.CreateTempSubdirectory("hotline-baresip-");
        var tone = Path.Combine(folder.FullName, "voice.wav");
        using (var sox = Process.Start(new ProcessStartInfo("sox", ["-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "600", "sine", $"{toneHz}", "vol", "0.3"])
        { RedirectStandardError = true })!)
        {
            await sox.WaitForExitAsync();
            if (sox.ExitCode != 0) throw new InvalidOperationException($"sox could not make the agent's tone: {await sox.StandardError.ReadToEndAsync()}");
        }
        var controlPort = HotlineProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "config"), $"""
            poll_method epoll
            sip_listen 127.0.0.1:{phonePort}
            net_interface 127.0.0.1
            audio_player alsa,null
            audio_alert alsa,null
            audio_source aufile,{tone}
            module_path /usr/lib/baresip/modules
            module g711.so
            module aufile.so
            module alsa.so
            module sndfile.so
            snd_path {folder.FullName}
            module_app account.so
            module_app menu.so
            module_app ctrl_tcp.so
            ctrl_tcp_listen 127.0.0.1:{controlPort}

            """);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "accounts"),
            $"{account};answermode=auto;audio_codecs=PCMU/8000/1,PCMA/8000/1;ptime=20\n");
        var info = new ProcessStartInfo("baresip", ["-f", folder.FullName])
        {
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        return new Baresip(Process.Start(info) ?? throw new InvalidOperationException("could not start baresip"), folder, controlPort);
    }


    /// <summary>Presses a key on the phone: one ctrl_tcp command (netstring-framed JSON), e.g. <c>transfer</c> with a SIP URI.</summary>
    public async Task CommandAsync(string command, string parameters)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _controlPort);
        var json = $$"""{"command":"{{command}}","params":"{{parameters}}","token":"t1"}""";
        var frame = Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(json)}:{json},");
        await tcp.GetStream().WriteAsync(frame);
        var buffer = new byte[4096];
        using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        _ = await tcp.GetStream().ReadAsync(buffer, answered.Token); // the command's response
    }

    /// <summary>The peak level of what the phone heard (baresip's sndfile module writes each call's decoded audio).</summary>
    public int HeardPeak() => Folder!.GetFiles("*dec*.wav").Select(f => CallRecordingFile.ChannelPeaks(f.FullName).Max()).DefaultIfEmpty(0).Max();

    /// <summary>How long the phone heard a tone of <paramref name="hz"/> (another phone's voice), over all its calls.</summary>
    public TimeSpan HeardTone(int hz) => Folder!.GetFiles("*dec*.wav")
        .Select(f => CallRecordingFile.ToneDuration(f.FullName, channel: 0, hz))
        .Aggregate(TimeSpan.Zero, (a, b) => a + b);

}
