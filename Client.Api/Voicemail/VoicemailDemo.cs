using Hotline.Calls;
using Npgsql;

namespace Hotline.Api.Voicemail;

/// <summary>
/// Demo voicemails, so the voicemail desk has work on a fresh <c>./run.sh</c>: three callers who left a message after
/// hours. Each is a real call through the call grains (into the IVR on the simulated trunk, ended there as voicemail,
/// as the IVR's voicemail node ends it) with its message in the recordings folder and its <c>recordings</c> row, as the
/// edge keeps one. The message is a short generated tone, not speech. Fixed call ids make it safe to run at every
/// start: a call that exists is left as it is, and a handled voicemail stays handled.
/// </summary>
internal static partial class VoicemailDemo
{
    private static readonly (string CallId, string From, int Seconds)[] Messages =
    [
        ("demo-voicemail-1", "13800138001", 4),
        ("demo-voicemail-2", "13900139002", 7),
        ("demo-voicemail-3", "02088886666", 3),
    ];

    public static async Task SeedAsync(IClusterClient cluster, NpgsqlDataSource? db, string recordingsPath, ILogger logger, CancellationToken ct)
    {
        foreach (var (callId, from, seconds) in Messages)
        {
            var call = cluster.GetGrain<ICallGrain>(callId);
            try
            {
                await call.BeginIvrAsync(new CallStart(CallChannel.Simulated, from, "12345", "zh", null, 0));
                await call.EndInIvrAsync("after_hours_voicemail", CallState.Voicemail);
            }
            catch (DomainException e) when (e.Code == "sim.disabled")
            {
                LogSkipped(logger, "the silos' simulated trunk is off");
                return;
            }
            if (db is null) continue;
            var relative = $"demo/{callId}.wav";
            try
            {
                var file = Path.Combine(Path.GetFullPath(recordingsPath), relative);
                if (!File.Exists(file))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllBytesAsync(file, Tone(TimeSpan.FromSeconds(seconds)), ct);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogSkipped(logger, $"the recordings folder cannot be written ({e.Message})");
                return;
            }
            await using var command = db.CreateCommand("""
                INSERT INTO recordings (recording_id, call_id, ticket_number, kind, path, channels, duration_ms)
                VALUES ($1, $2, NULL, 'voicemail', $3, 1, $4) ON CONFLICT (recording_id) DO NOTHING
                """);
            command.Parameters.AddWithValue($"{callId}-message");
            command.Parameters.AddWithValue(callId);
            command.Parameters.AddWithValue(relative);
            command.Parameters.AddWithValue(seconds * 1000);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A WAV as the edge records a message (8 kHz, mono, 16-bit PCM): two soft tones taking turns each half second.</summary>
    internal static byte[] Tone(TimeSpan length)
    {
        const int rate = 8000;
        var samples = (int)(length.TotalSeconds * rate);
        using var stream = new MemoryStream(44 + samples * 2);
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + samples * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var hz = i / (rate / 2) % 2 == 0 ? 440.0 : 554.0;
            w.Write((short)(3000 * Math.Sin(2 * Math.PI * hz * i / rate)));
        }
        w.Flush();
        return stream.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo voicemails not seeded: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
