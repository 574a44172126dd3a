using Hotline.Api.Apis;

namespace Hotline.Api.Ui;

/// <summary>The work-order list queries the screens ask for, in the API's own query shape.</summary>
public static class UiQueries
{
    public static TicketListQuery Tickets(string? status = null, bool? overdue = null, string? sort = null, int pageSize = 100, string? q = null) =>
        new(Status: status, Kind: null, Category: null, Department: null, Channel: null, From: null, To: null, Q: q,
            Overdue: overdue is { } o ? (o ? "true" : "false") : null, Supervised: null, Sort: sort, Page: 1, PageSize: pageSize);

    /// <summary>Orders still in someone's hands: the ones deadlines matter for.</summary>
    public const string Open = "dispatched,signed,reopened,returned,registered";
}
