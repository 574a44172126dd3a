using Hotline.Ivr;
using Npgsql;

namespace Hotline.Edge;

/// <summary>A recording's row: what links the WAV file to its call and ticket.</summary>
public sealed record RecordingRow(string Id, string CallId, string? TicketNumber, string Kind, string RelativePath, int Channels, TimeSpan Duration);

/// <summary>
/// Recordings on disk under <see cref="TelephonySettings.RecordingsPath"/>, their rows in PostgreSQL
/// (<c>recordings</c>). The in-memory demo mode keeps the files but lists none.
/// </summary>
public sealed class RecordingStore : IRecordingStore
{
    private readonly NpgsqlDataSource? _database;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordingStore> _logger;
    private int _sequence;

    public RecordingStore(TelephonySettings settings, IServiceProvider services, ILogger<RecordingStore> logger, TimeProvider? time = null)
    {
        Root = Path.GetFullPath(settings.RecordingsPath);
        _database = services.GetService<NpgsqlDataSource>();
        _time = time ?? TimeProvider.System;
        _logger = logger;
    }

    /// <summary>The absolute recordings folder.</summary>
    public string Root { get; }

    /// <summary>A new file's path relative to <see cref="Root"/>, in a folder per day (the folder is created).</summary>
    public string NewRelativePath(string callId, string kind)
    {
        var day = _time.GetUtcNow().ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture);
        var relative = $"{day}/{callId}-{kind}-{Interlocked.Increment(ref _sequence)}.wav";
        Directory.CreateDirectory(Path.GetDirectoryName(FullPath(relative))!);
        return relative;
    }

    public string FullPath(string relativePath) => Path.Combine(Root, relativePath);

    public Task KeepAsync(IvrRecording recording, string callId, string kind, string? ticketNumber, CancellationToken cancellationToken) =>
        SaveAsync(new RecordingRow(recording.Id, callId, ticketNumber, kind, Path.GetRelativePath(Root, recording.Path), 1, recording.Duration),
            cancellationToken);

    public async Task SaveAsync(RecordingRow row, CancellationToken cancellationToken)
    {
        if (_database is null)
        {
            // The in-memory demo mode has no table to list recordings in: the file stays, unlisted.
            _logger.LogDebug("Recording {RecordingId} of call {CallId} not listed: no database", row.Id, row.CallId);
            return;
        }
        await using var command = _database.CreateCommand("""
            INSERT INTO recordings (recording_id, call_id, ticket_number, kind, path, channels, duration_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (recording_id) DO UPDATE SET ticket_number = COALESCE(EXCLUDED.ticket_number, recordings.ticket_number),
                duration_ms = EXCLUDED.duration_ms
            """);
        command.Parameters.AddWithValue(row.Id);
        command.Parameters.AddWithValue(row.CallId);
        command.Parameters.AddWithValue((object?)row.TicketNumber ?? DBNull.Value);
        command.Parameters.AddWithValue(row.Kind);
        command.Parameters.AddWithValue(row.RelativePath.Replace('\\', '/'));
        command.Parameters.AddWithValue((short)row.Channels);
        command.Parameters.AddWithValue((int)Math.Min(int.MaxValue, row.Duration.TotalMilliseconds));
        await command.ExecuteNonQueryAsync(cancellationToken);
        _logger.LogDebug("Recording {RecordingId} of call {CallId} kept ({Kind}, {Duration})", row.Id, row.CallId, row.Kind, row.Duration);
    }
}
