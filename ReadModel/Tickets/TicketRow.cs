using Hotline.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.ReadModel.Tickets;

/// <summary>
/// The derived columns of one <c>tickets</c> row, as the ticket storage writes them with the grain's state: the
/// values in domain types, bound by <see cref="Bind"/> to parameters named after their columns (enum columns hold
/// the API's lower-case names, times are stored in UTC, the phone's last four digits are kept for the public look-up).
/// </summary>
public sealed record TicketRow : TicketProgressColumns
{
    public required TicketIntake Intake { get; init; }
    public string? Reply { get; init; }
    public Satisfaction? Satisfaction { get; init; }
    public DateTimeOffset? NextDueAt { get; init; }

    /// <summary>Adds one parameter per column of <see cref="TicketTable.Written"/>, named after it.</summary>
    public void Bind(NpgsqlParameterCollection p)
    {
        Text(p, TicketTable.Status, Names.Of(Status));
        Text(p, TicketTable.Kind, Names.Of(Intake.Kind));
        Text(p, TicketTable.Channel, Names.Of(Intake.Channel));
        Text(p, TicketTable.Category, Intake.Category);
        Text(p, TicketTable.CallerName, Intake.Caller.Name);
        Text(p, TicketTable.CallerPhone, Intake.Caller.Phone);
        Text(p, TicketTable.CallerPhoneLast4, PhoneMask.LastFour(Intake.Caller.Phone));
        Text(p, TicketTable.Summary, Intake.Summary);
        Text(p, TicketTable.Content, Intake.Content);
        Text(p, TicketTable.Address, Intake.Address);
        Text(p, TicketTable.District, Intake.District);
        Text(p, TicketTable.CallId, Intake.CallId);
        Text(p, TicketTable.LeadDepartment, LeadDepartment);
        p.Add(new NpgsqlParameter(TicketTable.CoDepartments, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = CoDepartments.ToArray() });
        Text(p, TicketTable.SuggestedDepartment, SuggestedDepartment);
        Time(p, TicketTable.CreatedAt, CreatedAt);
        Text(p, TicketTable.CreatedBy, CreatedBy);
        Time(p, TicketTable.UpdatedAt, UpdatedAt);
        Time(p, TicketTable.SignDue, Deadlines.Sign);
        Time(p, TicketTable.ReplyDue, Deadlines.Reply);
        Time(p, TicketTable.FinishDue, Deadlines.Finish);
        p.Add(new NpgsqlParameter(TicketTable.Overdue, NpgsqlDbType.Boolean) { Value = Overdue });
        p.Add(new NpgsqlParameter(TicketTable.Supervised, NpgsqlDbType.Boolean) { Value = Supervised });
        p.Add(new NpgsqlParameter(TicketTable.UrgeCount, NpgsqlDbType.Integer) { Value = UrgeCount });
        Text(p, TicketTable.Reply, Reply);
        Time(p, TicketTable.RepliedAt, RepliedAt);
        Text(p, TicketTable.Satisfaction, Satisfaction is { } satisfaction ? Names.Of(satisfaction) : null);
        p.Add(new NpgsqlParameter(TicketTable.ReturnCount, NpgsqlDbType.Integer) { Value = ReturnCount });
        p.Add(new NpgsqlParameter(TicketTable.ReopenCount, NpgsqlDbType.Integer) { Value = ReopenCount });
        Text(p, TicketTable.MergedInto, MergedInto);
        Time(p, TicketTable.ClosedAt, ClosedAt);
        Time(p, TicketTable.NextDueAt, NextDueAt);
    }

    private static void Text(NpgsqlParameterCollection p, string name, string? value) =>
        p.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    // Npgsql writes only UTC DateTimeOffsets to timestamptz; deadlines computed in Asia/Shanghai carry +08:00.
    private static void Time(NpgsqlParameterCollection p, string name, DateTimeOffset? value) =>
        p.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value });
}

/// <summary>The columns that follow an order through its life, written by <see cref="TicketRow"/> and read by <see cref="TicketListRow"/>.</summary>
public abstract record TicketProgressColumns
{
    public required TicketStatus Status { get; init; }
    public string? LeadDepartment { get; init; }
    public IReadOnlyList<string> CoDepartments { get; init; } = [];
    public string? SuggestedDepartment { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public TicketDeadlines Deadlines { get; init; } = new();
    public bool Overdue { get; init; }
    public bool Supervised { get; init; }
    public int UrgeCount { get; init; }
    public DateTimeOffset? RepliedAt { get; init; }
    public int ReturnCount { get; init; }
    public int ReopenCount { get; init; }
    public string? MergedInto { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
}
