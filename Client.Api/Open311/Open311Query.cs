using System.Globalization;
using System.Text.RegularExpressions;
using Hotline.Api.Apis;

namespace Hotline.Api.Open311;

/// <summary>A validated GET requests query: the statuses (our names) and the window of <c>requested_datetime</c>.</summary>
public sealed record Open311Filter(
    IReadOnlyList<string> Numbers,
    string? ServiceCode,
    IReadOnlyList<string> Statuses,
    DateTimeOffset From,
    DateTimeOffset To,
    int Limit);

/// <summary>
/// GET requests' parameters as GeoReport v2 defines them: <c>service_request_id</c> (comma-separated, which
/// overrides the others), <c>service_code</c>, <c>start_date</c>/<c>end_date</c> (ISO 8601 with an offset, at
/// most 90 days apart; the last 90 days by default) and <c>status</c> (<c>open</c>, <c>closed</c>, or both). At most
/// 1000 requests, newest first.
/// </summary>
public static partial class Open311Query
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);
    public const int MaxResults = 1000;
    public const int MaxIds = 100;

    /// <summary>Work-order states reported as <c>open</c>; every other state is <c>closed</c>.</summary>
    public static readonly IReadOnlyList<string> OpenStates = ["registered", "dispatched", "signed", "returned", "replied", "reopened"];
    public static readonly IReadOnlyList<string> ClosedStates = ["resolved", "closed", "merged"];

    public static (Open311Filter? Filter, IReadOnlyList<string> Errors) Parse(
        string? ids, string? serviceCode, string? startDate, string? endDate, string? status, DateTimeOffset now)
    {
        var errors = new List<string>();
        var numbers = new List<string>();
        if (!string.IsNullOrWhiteSpace(ids))
        {
            foreach (var id in ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TicketNumberCheck.IsValid(id)) errors.Add($"service_request_id: '{Shorten(id)}' is not a request id.");
                else if (!numbers.Contains(id)) numbers.Add(id);
            }
            if (numbers.Count > MaxIds) errors.Add($"service_request_id: at most {MaxIds} ids.");
        }

        var code = string.IsNullOrWhiteSpace(serviceCode) ? null : serviceCode.Trim();
        if (code is not null && !InputRules.Slug().IsMatch(code)) errors.Add($"service_code: '{Shorten(code)}' is not a service code.");

        var start = Instant(startDate, "start_date", errors);
        var end = Instant(endDate, "end_date", errors);
        if (start is { } s && end is { } e)
        {
            if (e < s) errors.Add("end_date: must not be before start_date.");
            else if (e - s > MaxWindow) errors.Add("start_date, end_date: may not span more than 90 days.");
        }

        var statuses = new List<string>();
        if (!string.IsNullOrWhiteSpace(status))
        {
            foreach (var value in status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (value == "open") statuses.AddRange(OpenStates);
                else if (value == "closed") statuses.AddRange(ClosedStates);
                else errors.Add($"status: '{Shorten(value)}' is not open or closed.");
            }
        }

        if (errors.Count > 0) return (null, errors);
        var (from, to) = (start, end) switch
        {
            ({ } a, { } b) => (a, b),
            ({ } a, null) => (a, a + MaxWindow),
            (null, { } b) => (b - MaxWindow, b),
            _ => (now - MaxWindow, now),
        };
        // Asked by id, the spec ignores every other parameter: an old request is still found by its id.
        if (numbers.Count > 0) return (new Open311Filter(numbers, null, [], DateTimeOffset.MinValue, DateTimeOffset.MaxValue, MaxResults), []);
        return (new Open311Filter(numbers, code, statuses.Distinct().ToArray(), from, to, MaxResults), []);
    }

    /// <summary>open or closed for a work-order state.</summary>
    public static string StatusOf(string state) => ClosedStates.Contains(state) ? "closed" : "open";

    private static DateTimeOffset? Instant(string? value, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!WithOffset().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            errors.Add($"{field}: must be an ISO 8601 date and time with its offset, e.g. 2026-11-23T09:30:00+08:00.");
            return null;
        }
        return at;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
