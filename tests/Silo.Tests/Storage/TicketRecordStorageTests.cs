using System.Collections;
using System.Reflection;
using System.Text.Json;
using Hotline.Silo.Storage;
using Hotline.Tickets;
using Npgsql;
using Orleans;
using Orleans.Storage;
using static Hotline.Tests.Storage.TicketSamples;

namespace Hotline.Tests.Storage;

public sealed class TicketRecordStorageTests : IAsyncLifetime
{
    private TicketDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TicketDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Migration_0003_creates_the_ticket_tables()
    {
        Assert.Equal(["tickets"], await _db.Db.ColumnAsync("SELECT name FROM schema_migrations WHERE version = 3"));
        Assert.Equal(["ticket_history", "tickets"], await _db.Db.ColumnAsync(
            "SELECT table_name::text FROM information_schema.tables WHERE table_name LIKE 'ticket%' ORDER BY 1"));
    }

    [Fact]
    public async Task Every_property_of_a_full_record_survives_a_write_and_a_read()
    {
        var record = Full();
        AssertEveryPropertySet(record);
        var number = Number(1);

        var state = new GrainState<TicketRecord>(record);
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), state);
        var read = await _db.ReadAsync(number);

        Assert.Equal("1", state.ETag);
        Assert.Equal("1", read.ETag);
        Assert.True(read.RecordExists);
        foreach (var property in typeof(TicketRecord).GetProperties())
        {
            Assert.True(
                JsonSerializer.Serialize(property.GetValue(record)) == JsonSerializer.Serialize(property.GetValue(read.State)),
                $"TicketRecord.{property.Name} did not round-trip");
        }
        // The serialised comparison above includes offsets; check the ones that matter by hand as well.
        var got = read.State!;
        Assert.Equal(Beijing, got.CreatedAt.Offset);
        Assert.Equal(record.Deadlines, got.Deadlines);
        Assert.Equal(record.Intake, got.Intake);
        Assert.Equal(record.PendingExtension, got.PendingExtension);
        Assert.Equal(record.History, got.History);
        Assert.True(got.HandledEvents.SetEquals(record.HandledEvents));
    }

    [Fact]
    public async Task Columns_are_derived_from_the_record_with_the_api_names()
    {
        var number = Number(2);
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), new GrainState<TicketRecord>(Full()));

        await using var connection = await _db.Db.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT status, kind, channel, category, caller_name, caller_phone, caller_phone_last4, summary, address, district,
                   call_id, lead_department, co_departments, suggested_department, created_at, created_by, sign_due, reply_due,
                   finish_due, overdue, supervised, urge_count, reply, satisfaction, return_count, reopen_count, merged_into,
                   closed_at, etag, payload->>'status', next_due_at
            FROM tickets WHERE number = $1
            """, connection);
        command.Parameters.AddWithValue(number);
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());

        Assert.Equal("replied", row.GetString(0));
        Assert.Equal("complaint", row.GetString(1));
        Assert.Equal("mayor_mailbox", row.GetString(2));
        Assert.Equal("urban-management", row.GetString(3));
        Assert.Equal("李女士", row.GetString(4));
        Assert.Equal("+86 139 1234 5678", row.GetString(5));
        Assert.Equal("5678", row.GetString(6));
        Assert.Equal("小区门口占道经营", row.GetString(7));
        Assert.Equal("朝阳路12号", row.GetString(8));
        Assert.Equal("chaoyang", row.GetString(9));
        Assert.Equal("C-20260302-0042", row.GetString(10));
        Assert.Equal("urban-management-bureau", row.GetString(11));
        Assert.Equal(["chaoyang-street-office", "environment-bureau"], row.GetFieldValue<string[]>(12));
        Assert.Equal("urban-management-bureau", row.GetString(13));
        Assert.Equal(T0, row.GetFieldValue<DateTimeOffset>(14));
        Assert.Equal("1001", row.GetString(15));
        Assert.Equal(T0.AddHours(2), row.GetFieldValue<DateTimeOffset>(16));
        Assert.Equal(T0.AddDays(5), row.GetFieldValue<DateTimeOffset>(17));
        Assert.Equal(T0.AddDays(7), row.GetFieldValue<DateTimeOffset>(18));
        Assert.True(row.GetBoolean(19));
        Assert.True(row.GetBoolean(20));
        Assert.Equal(2, row.GetInt32(21));
        Assert.Equal("已联合执法清理占道摊位。", row.GetString(22));
        Assert.Equal("basically", row.GetString(23));
        Assert.Equal(1, row.GetInt32(24));
        Assert.Equal(1, row.GetInt32(25));
        Assert.Equal("00000026", row.GetString(26));
        Assert.Equal(T0.AddDays(6), row.GetFieldValue<DateTimeOffset>(27));
        Assert.Equal(1, row.GetInt32(28));
        Assert.Equal("5", row.GetString(29)); // the payload keeps enums as numbers, like the call records
        Assert.Equal(T0.AddDays(7), row.GetFieldValue<DateTimeOffset>(30));
    }

    [Fact]
    public async Task The_deadline_sweep_reads_the_orders_whose_next_event_is_due_earliest_first_page_by_page()
    {
        var storage = _db.Storage();
        foreach (var (sequence, due) in new (int, DateTimeOffset?)[] { (11, T0.AddDays(2)), (12, T0.AddDays(1)), (13, T0.AddDays(5)), (14, null), (15, T0.AddDays(1)) })
        {
            var record = Registered();
            record.NextDueAt = due;
            await storage.WriteStateAsync("ticket", TicketDatabase.Grain(Number(sequence)), new GrainState<TicketRecord>(record));
        }
        var index = new TicketDeadlineIndex(_db.DataSource);
        var now = T0.AddDays(3);

        var first = await index.DueAsync(now, after: null, max: 2, CancellationToken.None);
        var second = await index.DueAsync(now, first[^1], max: 2, CancellationToken.None);
        var third = await index.DueAsync(now, second[^1], max: 2, CancellationToken.None);

        Assert.Equal([Number(12), Number(15)], first.Select(d => d.Number));
        Assert.Equal(T0.AddDays(1), first[0].Due);
        Assert.Equal([Number(11)], second.Select(d => d.Number));
        Assert.Empty(third);
    }

    [Fact]
    public async Task Optional_columns_are_null_when_the_record_leaves_them_out()
    {
        var record = Registered();
        record.Intake = record.Intake! with { Caller = new Caller(null, "110") };
        var number = Number(3);
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), new GrainState<TicketRecord>(record));

        Assert.Equal(1L, await _db.CountAsync(
            """
            SELECT count(*) FROM tickets WHERE number = $1 AND caller_name IS NULL AND caller_phone = '110'
                AND caller_phone_last4 IS NULL AND address IS NULL AND lead_department IS NULL AND co_departments = '{}'
                AND sign_due IS NULL AND satisfaction IS NULL AND closed_at IS NULL AND NOT overdue AND next_due_at IS NULL
            """, number));
    }

    [Fact]
    public async Task Every_status_kind_channel_and_satisfaction_name_is_accepted_by_the_schema()
    {
        var storage = _db.Storage();
        var sequence = 100;
        var records = Enum.GetValues<TicketStatus>()
            .SelectMany(status => Enum.GetValues<Satisfaction>().Select(satisfaction => (status, satisfaction)))
            .Select(x =>
            {
                var record = Registered();
                record.Status = x.status;
                record.Satisfaction = x.satisfaction;
                return record;
            })
            .Concat(Enum.GetValues<TicketKind>()
                .SelectMany(kind => Enum.GetValues<TicketChannel>().Select(channel => (kind, channel)))
                .Select(x =>
                {
                    var record = Registered();
                    record.Intake = record.Intake! with { Kind = x.kind, Channel = x.channel };
                    return record;
                }));

        foreach (var record in records)
        {
            await storage.WriteStateAsync("ticket", TicketDatabase.Grain(Number(sequence++)), new GrainState<TicketRecord>(record));
        }

        Assert.Equal(
            Enum.GetValues<TicketStatus>().Select(s => Names.Of(s)).Order(StringComparer.Ordinal),
            await _db.Db.ColumnAsync("SELECT status FROM tickets GROUP BY status ORDER BY status COLLATE \"C\""));
        Assert.Equal(
            Enum.GetValues<TicketChannel>().Select(c => Names.Of(c)).Order(StringComparer.Ordinal),
            await _db.Db.ColumnAsync("SELECT channel FROM tickets GROUP BY channel ORDER BY channel COLLATE \"C\""));
    }

    [Fact]
    public async Task Reading_an_unknown_number_gives_a_fresh_state_and_no_etag()
    {
        var state = new GrainState<TicketRecord>(Full());

        await _db.Storage().ReadStateAsync("ticket", TicketDatabase.Grain(Number(4)), state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.False(state.State!.Created);
        Assert.Empty(state.State.History);
    }

    [Fact]
    public async Task A_second_writer_from_the_same_etag_is_refused_and_nothing_of_it_is_stored()
    {
        var number = Number(5);
        var grain = TicketDatabase.Grain(number);
        var created = new GrainState<TicketRecord>(Registered());
        await _db.Storage().WriteStateAsync("ticket", grain, created);

        // Two activations (say on two silos during a partition) both read etag 1 and both act.
        var first = await _db.ReadAsync(number);
        var second = await _db.ReadAsync(number);
        var dispatch = first.State!;
        dispatch.Status = TicketStatus.Dispatched;
        dispatch.LeadDepartment = "housing-fund-centre";
        dispatch.History.Add(Line(2, "dispatched", "lead housing-fund-centre", jobNo: "3001", role: "dispatcher"));
        var close = second.State!;
        close.Status = TicketStatus.Closed;
        close.History.Add(Line(2, "closed", "by the second writer"));
        close.History.Add(Line(3, "closed_again", "by the second writer"));

        await _db.Storage().WriteStateAsync("ticket", grain, first);
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => _db.Storage().WriteStateAsync("ticket", grain, second));

        Assert.Equal("2", refused.StoredEtag);
        Assert.Equal("1", refused.CurrentEtag);
        Assert.Equal("1", second.ETag);
        var stored = await _db.ReadAsync(number);
        Assert.Equal("2", stored.ETag);
        Assert.Equal(TicketStatus.Dispatched, stored.State!.Status);
        Assert.Equal(["registered", "dispatched"], await _db.Db.ColumnAsync(
            $"SELECT action FROM ticket_history WHERE number = '{number}' ORDER BY sequence"));
        Assert.Equal(1L, await _db.CountAsync("SELECT count(*) FROM tickets WHERE number = $1 AND status = 'dispatched'", number));
    }

    [Fact]
    public async Task A_second_creation_of_the_same_number_is_refused_and_nothing_of_it_is_stored()
    {
        var number = Number(6);
        var grain = TicketDatabase.Grain(number);
        await _db.Storage().WriteStateAsync("ticket", grain, new GrainState<TicketRecord>(Registered(summary: "第一个")));

        var rival = Registered(summary: "第二个");
        rival.History.Add(Line(2, "resolved_on_spot", "rival"));
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(
            () => _db.Storage().WriteStateAsync("ticket", grain, new GrainState<TicketRecord>(rival)));

        Assert.Equal("1", refused.StoredEtag);
        Assert.Equal("第一个", (await _db.ReadAsync(number)).State!.Intake!.Summary);
        Assert.Equal(1L, await _db.HistoryLinesAsync(number));
    }

    [Fact]
    public async Task A_writer_racing_an_uncommitted_creation_waits_for_it_and_then_loses()
    {
        var number = Number(7);
        var grain = TicketDatabase.Grain(number);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var winner = _db.Storage(beforeCommit: async _ =>
        {
            paused.SetResult();
            await release.Task;
        });

        var winning = winner.WriteStateAsync("ticket", grain, new GrainState<TicketRecord>(Registered(summary: "先到")));
        await paused.Task.WaitAsync(TicketDatabase.Timeout);
        var losing = _db.Storage().WriteStateAsync("ticket", grain, new GrainState<TicketRecord>(Registered(summary: "后到")));
        await WaitUntilASessionWaitsForALockAsync();
        release.SetResult();

        await winning.WaitAsync(TicketDatabase.Timeout);
        await Assert.ThrowsAsync<InconsistentStateException>(() => losing.WaitAsync(TicketDatabase.Timeout));
        Assert.Equal("先到", (await _db.ReadAsync(number)).State!.Intake!.Summary);
        Assert.Equal(1L, await _db.HistoryLinesAsync(number));
    }

    [Fact]
    public async Task History_is_appended_across_writes_and_never_duplicated()
    {
        var number = Number(8);
        var grain = TicketDatabase.Grain(number);
        var storage = _db.Storage();
        var record = Registered();
        var state = new GrainState<TicketRecord>(record);
        await storage.WriteStateAsync("ticket", grain, state);

        record.History.Add(Line(2, "dispatched", "lead housing-fund-centre", jobNo: "3001", role: "dispatcher"));
        record.History.Add(Line(3, "signed", null, jobNo: "5001", role: "department", department: "housing-fund-centre"));
        await storage.WriteStateAsync("ticket", grain, state);
        record.UrgeCount = 1; // a write that adds no line
        await storage.WriteStateAsync("ticket", grain, state);
        record.History.Add(Line(4, "replied", "材料清单已短信发送", jobNo: "5001", role: "department", department: "housing-fund-centre"));
        await storage.WriteStateAsync("ticket", grain, state);

        Assert.Equal("4", state.ETag);
        Assert.Equal(
            ["1 1001 agent registered  consultation via phone", "2 3001 dispatcher dispatched  lead housing-fund-centre",
             "3 5001 department signed housing-fund-centre ", "4 5001 department replied housing-fund-centre 材料清单已短信发送"],
            await _db.Db.ColumnAsync(
                $"SELECT concat_ws(' ', sequence, job_no, role, action, coalesce(department_id, ''), coalesce(note, '')) FROM ticket_history WHERE number = '{number}' ORDER BY sequence"));
        Assert.Equal(1L, await _db.CountAsync(
            "SELECT count(*) FROM ticket_history WHERE number = $1 AND sequence = 4 AND at = $2", number, T0.AddMinutes(4).ToUniversalTime()));
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_remove_a_history_line()
    {
        var number = Number(9);
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), new GrainState<TicketRecord>(Registered()));
        await using var connection = await _db.Db.OpenAsync();

        foreach (var sql in new[]
                 {
                     "UPDATE ticket_history SET note = 'edited' WHERE number = $1",
                     "DELETE FROM ticket_history WHERE number = $1",
                     "TRUNCATE ticket_history",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (sql.Contains("$1", StringComparison.Ordinal)) command.Parameters.AddWithValue(number);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.RestrictViolation, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        // Nor can the order go while it has history.
        await using var delete = new NpgsqlCommand("DELETE FROM tickets WHERE number = $1", connection);
        delete.Parameters.AddWithValue(number);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState);
        Assert.Equal(["consultation via phone"], await _db.Db.ColumnAsync($"SELECT note FROM ticket_history WHERE number = '{number}'"));
    }

    [Fact]
    public async Task Clearing_an_order_is_refused()
    {
        var number = Number(10);
        var state = new GrainState<TicketRecord>(Registered());
        await _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), state);

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => _db.Storage().ClearStateAsync("ticket", TicketDatabase.Grain(number), state));

        Assert.Contains("kept for good", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await _db.RowsAsync(number));
    }

    [Fact]
    public async Task An_order_without_intake_is_not_stored()
    {
        var number = Number(11);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), new GrainState<TicketRecord>(new TicketRecord())));

        Assert.Equal(0L, await _db.RowsAsync(number));
    }

    /// <summary>Guards the round-trip test: a property added to the record later must be given a value in the sample.</summary>
    private static void AssertEveryPropertySet(object value)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var v = property.GetValue(value);
            var isDefault = v switch
            {
                null => true,
                string s => s.Length == 0,
                ICollection c => c.Count == 0,
                IEnumerable e and not string => !e.Cast<object>().Any(),
                _ when v.GetType().IsValueType => v.Equals(Activator.CreateInstance(v.GetType())),
                _ => false,
            };
            Assert.False(isDefault, $"{value.GetType().Name}.{property.Name} keeps its default in the sample");
            if (v is TicketIntake or TicketDeadlines) AssertEveryPropertySet(v);
        }
    }

    private async Task WaitUntilASessionWaitsForALockAsync()
    {
        using var timeout = new CancellationTokenSource(TicketDatabase.Timeout);
        while (await _db.CountAsync(
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
