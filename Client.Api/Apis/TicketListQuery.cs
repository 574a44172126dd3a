using System.Globalization;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.ReadModel;
using Hotline.ReadModel.Tickets;

namespace Hotline.Api.Apis;

/// <summary>
/// The query string of the work-order lists (<c>GET /api/tickets</c>, <c>GET /api/departments/{id}/tickets</c>).
/// <c>status</c> takes one status or several separated by commas; <c>from</c> and <c>to</c> take an ISO 8601
/// instant, or a date read in Beijing time (a date <c>to</c> includes that whole day); <c>q</c> is the
/// Chinese full-text search; <c>phone</c> is the caller's whole number (the agent desk's earlier orders of a caller);
/// <c>sort</c> is <c>newest</c> (default) or <c>due</c>.
/// </summary>
public sealed record TicketListQuery(
    string? Status,
    string? Kind,
    string? Category,
    string? Department,
    string? Channel,
    string? From,
    string? To,
    string? Q,
    string? Overdue,
    string? Supervised,
    string? Sort,
    int? Page,
    int? PageSize,
    string? Phone = null)
{
    public const int MaxPageSize = 200;

    /// <summary>Days given without a time are Beijing days, as staff mean them.</summary>
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The filter, or null with <paramref name="errors"/> naming every bad parameter.</summary>
    public TicketFilter? ToFilter(FieldErrors errors)
    {
        var statuses = new List<string>();
        foreach (var status in (Status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ApiNames.TryParseTicketStatus(status, out _)) statuses.Add(status);
            else errors.Add("status", $"Must be one or more of {string.Join(", ", ApiNames.TicketStatuses)}, separated by commas.");
        }
        errors.Check(Kind is null || ApiNames.TryParseTicketKind(Kind, out _), "kind", $"Must be one of {string.Join(", ", ApiNames.TicketKinds)}.");
        errors.Check(Channel is null || ApiNames.TryParseTicketChannel(Channel, out _), "channel",
            $"Must be one of {string.Join(", ", ApiNames.TicketChannels)}.");
        errors.Check(Category is null || InputRules.Slug().IsMatch(Category), "category", "Not a category id.");
        errors.Check(Department is null || InputRules.Slug().IsMatch(Department), "department", "Not a department id.");
        var from = Instant(From, "from", endOfDay: false, errors);
        var to = Instant(To, "to", endOfDay: true, errors);
        errors.Check(from is null || to is null || from < to, "to", "Must be after 'from'.");
        string? search = null;
        if (Q is not null)
        {
            if (Q.Length > 200) errors.Add("q", "At most 200 characters.");
            else if ((search = ChineseSearch.Query(Q)) is null) errors.Add("q", "Must contain a Chinese character, a letter or a digit.");
        }
        errors.Check(Phone is null || InputRules.Phone().IsMatch(Phone), "phone", "Must be a phone number: 3 to 20 digits, optionally after +.");
        var overdue = Flag(Overdue, "overdue", errors);
        var supervised = Flag(Supervised, "supervised", errors);
        var sort = Sort switch
        {
            null or "newest" => TicketSort.Newest,
            "due" => TicketSort.Due,
            _ => (TicketSort?)null,
        };
        errors.Check(sort is not null, "sort", "Must be newest or due.");
        errors.Range(Page ?? 1, 1, 100_000, "page").Range(PageSize ?? 50, 1, MaxPageSize, "pageSize");
        if (errors.Any) return null;

        return new TicketFilter
        {
            Statuses = statuses.Distinct().ToArray(),
            Kind = Kind,
            Category = Category,
            Department = Department,
            Channel = Channel,
            From = from,
            To = to,
            Search = search,
            CallerPhone = Phone,
            Overdue = overdue,
            Supervised = supervised,
            Sort = sort!.Value,
            Page = Page ?? 1,
            PageSize = PageSize ?? 50,
        };
    }

    private static DateTimeOffset? Instant(string? value, string field, bool endOfDay, FieldErrors errors)
    {
        if (value is null) return null;
        // An unencoded '+' in a query string arrives as a space: "09:30:00 08:00" meant "09:30:00+08:00".
        if (value.Length > 6 && value[^6] == ' ') value = value[..^6] + "+" + value[^5..];
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var midnight = (endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue);
            return new DateTimeOffset(midnight, China.GetUtcOffset(midnight));
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) && HasOffset(value))
            return instant;
        errors.Add(field, "Must be a date (2026-11-23) or an instant with its offset (2026-11-23T09:30:00+08:00).");
        return null;
    }

    /// <summary>An instant without an offset would be read in the server's zone: refuse the guess.</summary>
    private static bool HasOffset(string value) =>
        value.EndsWith('Z') || value.EndsWith('z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':');

    private static bool? Flag(string? value, string field, FieldErrors errors)
    {
        switch (value)
        {
            case null: return null;
            case "true": return true;
            case "false": return false;
            default:
                errors.Add(field, "Must be true or false.");
                return null;
        }
    }
}
