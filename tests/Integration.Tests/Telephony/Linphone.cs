using System.Diagnostics;

namespace Hotline.Tests.Telephony;

/// <summary>
/// A second softphone stack beside baresip: Debian's linphonec (liblinphone, belle-sip; package linphone-cli, installed
/// by ./test.sh), registered as an agent's phone over UDP or TCP, answering every call at once and sending a steady
/// tone as its owner's voice. Over TCP it does what Linphone does on a desk: its Contact names the ephemeral port of
/// the connection it registered on, where nothing listens, so it can only be rung over that connection.
/// </summary>
public sealed class Linphone : ToolProcess
{

    private Linphone(Process process, DirectoryInfo folder)
        : base(process, folder)
    {
    }


    private string Heard => Path.Combine(Folder!.FullName, "heard.wav");

    /// <summary>A seat's phone, registering with the hotline as <paramref name="jobNo"/> over <paramref name="transport"/>
    /// ("udp" or "tcp").</summary>
    public static async Task<Linphone> StartAsync(string jobNo, int hotlineSipPort, string transport, int toneHz)
    {
        var folder = Directory.CreateTempSubdirectory("hotline-linphone-");
        // liblinphone will not start its SIP stack without a writable database folder under HOME.
        Directory.CreateDirectory(Path.Combine(folder.FullName, ".local", "share", "linphone"));
        var tone = Path.Combine(folder.FullName, "voice.wav");
        using (var sox = Process.Start(new ProcessStartInfo("sox", ["-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "600", "sine", $"{toneHz}", "vol", "0.3"])
        { RedirectStandardError = true })!)
        {
            await sox.WaitForExitAsync();
            if (sox.ExitCode != 0) throw new InvalidOperationException($"sox could not make the agent's tone: {await sox.StandardError.ReadToEndAsync()}");
        }
        var tcp = transport == "tcp";
        var config = Path.Combine(folder.FullName, "linphonerc");
        await File.WriteAllTextAsync(config, $"""
            [sip]
            sip_port={(tcp ? 0 : HotlineProcess.FreePort())}
            sip_tcp_port={(tcp ? -1 : 0)}
            sip_tls_port=0
            [rtp]
            audio_rtp_port={HotlineProcess.FreePort()}
            [net]
            ipv6=0

            """);
        var info = new ProcessStartInfo("linphonec", ["-c", config, "-a"])
        {
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.Environment["HOME"] = folder.FullName;
        var phone = new Linphone(Process.Start(info) ?? throw new InvalidOperationException("could not start linphonec"), folder);
        // File mode: the tone is the microphone, and what the phone hears is written to heard.wav.
        await phone.CommandAsync("soundcard use files");
        await phone.CommandAsync($"play {tone}");
        await phone.CommandAsync($"record {phone.Heard}");
        var proxy = $"sip:127.0.0.1:{hotlineSipPort}{(tcp ? ";transport=tcp" : "")}";
        await phone.CommandAsync($"register sip:{jobNo}@127.0.0.1 {proxy} unused-password");
        return phone;
    }

    /// <summary>Types one command at the linphonec prompt, e.g. <c>pause</c> or <c>resume</c>.</summary>
    public async Task CommandAsync(string command)
    {
        if (Child.HasExited) throw new InvalidOperationException($"linphonec exited with {Child.ExitCode}:\n{Output}");
        await Child.StandardInput.WriteLineAsync(command);
        await Child.StandardInput.FlushAsync();
    }

    /// <summary>The peak level of what the phone heard in its calls so far.</summary>
    public int HeardPeak() => File.Exists(Heard) && new FileInfo(Heard).Length > 44 ? CallRecordingFile.ChannelPeaks(Heard).Max() : 0;


}
