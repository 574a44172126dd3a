using Hotline.Tickets;
using Npgsql;
using T = Hotline.ReadModel.Tickets.TicketTable;

namespace Hotline.ReadModel.Tickets;

/// <summary>A work order as the lists read it from <c>tickets</c> (no content, no payload): read by column name.</summary>
public sealed record TicketListRow : TicketProgressColumns
{
    public required string Number { get; init; }
    public required string Kind { get; init; }
    public required string Channel { get; init; }
    public required string Category { get; init; }
    public string? CallerName { get; init; }
    public string? CallerPhone { get; init; }
    public required string Summary { get; init; }
    public string? District { get; init; }
    /// <summary>As stored: the API's name (satisfied, basically, unsatisfied).</summary>
    public string? Satisfaction { get; init; }
    public bool ExtensionPending { get; init; }

    /// <summary>The facts the life cycle decides actions by.</summary>
    public TicketFacts Facts => new(Status, LeadDepartment, ExtensionPending);

    /// <summary>The select list <see cref="Reader"/> reads.</summary>
    public static string Select { get; } = string.Join(", ",
    [
        T.Number, T.Status, T.Kind, T.Channel, T.Category, T.CallerName, T.CallerPhone, T.Summary, T.District, T.LeadDepartment,
        T.CoDepartments, T.SuggestedDepartment, T.CreatedAt, T.CreatedBy, T.UpdatedAt, T.SignDue, T.ReplyDue, T.FinishDue,
        T.Overdue, T.Supervised, T.UrgeCount, T.RepliedAt, T.Satisfaction, T.ReturnCount, T.ReopenCount, T.MergedInto, T.ClosedAt,
        $"{T.ExtensionPendingSql} AS {T.ExtensionPending}",
    ]);

    /// <summary>A reader of the current result's rows, its columns looked up by name once.</summary>
    public static Func<TicketListRow> Reader(NpgsqlDataReader r)
    {
        var columns = new RowColumns(r);
        return () => new TicketListRow
        {
            Number = columns.Text(T.Number)!,
            Status = Names.TryParse<TicketStatus>(columns.Text(T.Status), out var status)
                ? status
                : throw new InvalidDataException($"Work order {columns.Text(T.Number)} has an unknown status '{columns.Text(T.Status)}'."),
            Kind = columns.Text(T.Kind)!,
            Channel = columns.Text(T.Channel)!,
            Category = columns.Text(T.Category)!,
            CallerName = columns.Text(T.CallerName),
            CallerPhone = columns.Text(T.CallerPhone),
            Summary = columns.Text(T.Summary)!,
            District = columns.Text(T.District),
            LeadDepartment = columns.Text(T.LeadDepartment),
            CoDepartments = columns.Texts(T.CoDepartments),
            SuggestedDepartment = columns.Text(T.SuggestedDepartment),
            CreatedAt = columns.Time(T.CreatedAt)!.Value,
            CreatedBy = columns.Text(T.CreatedBy)!,
            UpdatedAt = columns.Time(T.UpdatedAt)!.Value,
            Deadlines = new TicketDeadlines { Sign = columns.Time(T.SignDue), Reply = columns.Time(T.ReplyDue), Finish = columns.Time(T.FinishDue) },
            Overdue = columns.Flag(T.Overdue),
            Supervised = columns.Flag(T.Supervised),
            UrgeCount = columns.Int(T.UrgeCount),
            RepliedAt = columns.Time(T.RepliedAt),
            Satisfaction = columns.Text(T.Satisfaction),
            ReturnCount = columns.Int(T.ReturnCount),
            ReopenCount = columns.Int(T.ReopenCount),
            MergedInto = columns.Text(T.MergedInto),
            ClosedAt = columns.Time(T.ClosedAt),
            ExtensionPending = columns.Flag(T.ExtensionPending),
        };
    }
}

/// <summary>Typed reads of the current row by column name (ordinals looked up once per result).</summary>
public sealed class RowColumns(NpgsqlDataReader reader)
{
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);

    private int Ordinal(string name)
    {
        if (!_ordinals.TryGetValue(name, out var ordinal)) _ordinals[name] = ordinal = reader.GetOrdinal(name);
        return ordinal;
    }

    public string? Text(string name) => reader.IsDBNull(Ordinal(name)) ? null : reader.GetString(Ordinal(name));

    public IReadOnlyList<string> Texts(string name) => reader.IsDBNull(Ordinal(name)) ? [] : reader.GetFieldValue<string[]>(Ordinal(name));

    public DateTimeOffset? Time(string name) => reader.IsDBNull(Ordinal(name)) ? null : reader.GetFieldValue<DateTimeOffset>(Ordinal(name));

    public bool Flag(string name) => !reader.IsDBNull(Ordinal(name)) && reader.GetBoolean(Ordinal(name));

    public int Int(string name) => reader.IsDBNull(Ordinal(name)) ? 0 : reader.GetInt32(Ordinal(name));
}
