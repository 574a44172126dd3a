using Hotline.Tickets;
using Npgsql;
using Orleans;
using static Hotline.Tests.Storage.TicketSamples;

namespace Hotline.Tests.Storage;

/// <summary>
/// DESIGN.md: the read model must never disagree with grain state after a crash. The storage's write runs its one
/// statement (tickets row plus new history lines) and pauses, through its <c>BeforeCommit</c> seam, with both
/// halves written but not committed: the worst moment for the silo to die. The test then ends the write's
/// database session the way a dying silo does (its connection goes; PostgreSQL aborts what was not committed)
/// and shows that the order and its history are gone together, or, killed just after COMMIT, kept together.
/// </summary>
public sealed class TicketWriteCrashTests : IAsyncLifetime
{
    private TicketDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TicketDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Killed_before_the_first_write_commits_neither_the_order_nor_its_history_exists()
    {
        var number = Number(1);
        (long Rows, long Lines) insideTheWrite = default;
        var storage = _db.Storage(beforeCommit: async connection =>
        {
            insideTheWrite = (await CountAsync(connection, "tickets", number), await CountAsync(connection, "ticket_history", number));
            await KillSessionAsync(connection.ProcessID);
        });
        var state = new GrainState<TicketRecord>(Registered());

        await AssertStorageUnavailableAsync(() => storage.WriteStateAsync("ticket", TicketDatabase.Grain(number), state));

        Assert.Equal((1L, 1L), insideTheWrite); // both halves were written when the session died ...
        Assert.Equal(0L, await _db.RowsAsync(number)); // ... and both went with it
        Assert.Equal(0L, await _db.HistoryLinesAsync(number));
        Assert.Null(state.ETag);

        // The next activation finds no order and can register it again.
        var retry = await _db.ReadAsync(number);
        Assert.False(retry.RecordExists);
        retry.State = Registered();
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), retry);
        Assert.Equal("1", retry.ETag);
        Assert.Equal(1L, await _db.HistoryLinesAsync(number));
    }

    [Fact]
    public async Task Killed_before_a_later_write_commits_the_previous_version_stays_whole()
    {
        var number = Number(2);
        var grain = TicketDatabase.Grain(number);
        var record = Registered();
        var state = new GrainState<TicketRecord>(record);
        await _db.Storage().WriteStateAsync("ticket", grain, state);

        (long Rows, long Lines) insideTheWrite = default;
        var storage = _db.Storage(beforeCommit: async connection =>
        {
            insideTheWrite = (
                await CountAsync(connection, "tickets", number, "AND etag = 2 AND status = 'dispatched'"),
                await CountAsync(connection, "ticket_history", number));
            await KillSessionAsync(connection.ProcessID);
        });
        record.Status = TicketStatus.Dispatched;
        record.LeadDepartment = "housing-fund-centre";
        record.History.Add(Line(2, "dispatched", "lead housing-fund-centre", jobNo: "3001", role: "dispatcher"));
        record.History.Add(Line(3, "urged", null, jobNo: "3001", role: "dispatcher"));

        await AssertStorageUnavailableAsync(() => storage.WriteStateAsync("ticket", grain, state));

        Assert.Equal((1L, 3L), insideTheWrite);
        var stored = await _db.ReadAsync(number);
        Assert.Equal("1", stored.ETag);
        Assert.Equal(TicketStatus.Registered, stored.State!.Status);
        Assert.Single(stored.State.History);
        Assert.Equal(1L, await _db.CountAsync(
            "SELECT count(*) FROM tickets WHERE number = $1 AND etag = 1 AND status = 'registered' AND lead_department IS NULL", number));
        Assert.Equal(1L, await _db.HistoryLinesAsync(number));
    }

    [Fact]
    public async Task Killed_right_after_commit_the_order_and_its_history_are_both_kept()
    {
        var number = Number(3);
        var session = 0;
        var storage = _db.Storage(beforeCommit: connection =>
        {
            session = connection.ProcessID;
            return Task.CompletedTask;
        });
        var record = Registered();
        record.History.Add(Line(2, "resolved_on_spot", "已答复"));
        var state = new GrainState<TicketRecord>(record);

        await storage.WriteStateAsync("ticket", TicketDatabase.Grain(number), state);
        await KillSessionAsync(session);

        var stored = await _db.ReadAsync(number);
        Assert.Equal("1", stored.ETag);
        Assert.Equal(2, stored.State!.History.Count);
        Assert.Equal(1L, await _db.RowsAsync(number));
        Assert.Equal(2L, await _db.HistoryLinesAsync(number));
    }

    /// <summary>The failed write reaches the grain as "try again" (503), not as an Npgsql exception a client cannot read.</summary>
    private static async Task AssertStorageUnavailableAsync(Func<Task> write) =>
        Assert.Equal("storage.unavailable", (await Assert.ThrowsAsync<DomainException>(write)).Code);

    /// <summary>Counts on the write's own connection, inside its transaction, where the uncommitted rows are visible.</summary>
    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, string number, string condition = "")
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE number = $1 {condition}", connection);
        command.Parameters.AddWithValue(number);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Ends a backend from another session and waits until it has exited.</summary>
    private async Task KillSessionAsync(int processId)
    {
        await using var connection = await _db.Db.OpenAsync();
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1, $2)", connection);
        kill.Parameters.AddWithValue(processId);
        kill.Parameters.AddWithValue((long)TicketDatabase.Timeout.TotalMilliseconds);
        Assert.True((bool)(await kill.ExecuteScalarAsync())!, $"backend {processId} did not exit");
    }
}
