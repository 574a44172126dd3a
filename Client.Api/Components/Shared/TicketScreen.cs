using System.Security.Claims;
using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.Contracts;
using Hotline.Api.Ui;
using Hotline.Events;
using Microsoft.AspNetCore.Components;

namespace Hotline.Api.Components.Shared;

/// <summary>
/// What the work-order screens (dispatch, department inbox, return visits) share: tabs of lists, the selected
/// order, live reloads on ticket events, and actions run through the API's own handlers.
/// </summary>
public abstract class TicketScreen : ComponentBase
{
    [Inject] protected UiCalls Ui { get; set; } = default!;
    [Inject] protected LiveEvents Live { get; set; } = default!;
    [Inject] protected IClusterClient Cluster { get; set; } = default!;
    [Inject] protected ITicketRecords Records { get; set; } = default!;
    [CascadingParameter] protected UiLanguage T { get; set; } = UiLanguage.Chinese;

    protected IReadOnlyList<DepartmentResponse> Departments { get; private set; } = [];
    protected IReadOnlyList<CategoryNode> Categories { get; private set; } = [];
    protected IReadOnlyList<TicketListItem> Items { get; private set; } = [];
    protected int Total { get; private set; }
    protected string Tab { get; private set; } = "";
    protected string? Selected { get; private set; }
    protected TicketResponse? Current { get; private set; }
    /// <summary>Bumped whenever the selected order may have changed, so its detail reloads.</summary>
    protected int Version { get; private set; }
    protected string? Message { get; private set; }
    protected bool MessageIsError { get; private set; }
    /// <summary>The free text of the action box (reason, note, reply), cleared after each successful action.</summary>
    protected string? Text { get; set; }

    /// <summary>The tab's list: a page of the read model as the API lists it.</summary>
    protected abstract Task<UiResult<TicketListResponse>> ListAsync(string tab);

    protected abstract string FirstTab { get; }

    protected override async Task OnInitializedAsync()
    {
        var departments = await Ui.RunAsync<DepartmentResponse[]>(UiCalls.SignedIn, async _ => await DepartmentsApi.GetAll(Cluster));
        Departments = departments.Value ?? [];
        var tree = await Ui.RunAsync<IReadOnlyList<CategoryNode>>(UiCalls.SignedIn, async _ => await CatalogueApi.GetTree(Cluster));
        Categories = tree.Value ?? [];
        Tab = FirstTab;
        await ReloadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        await Live.FollowAsync(new HashSet<string> { EventTopics.Tickets }, () => InvokeAsync(async () =>
        {
            await ReloadAsync();
            Version++;
            StateHasChanged();
        }));
    }

    protected async Task ReloadAsync()
    {
        var list = await ListAsync(Tab);
        if (list.Error is { } error)
        {
            Show(error);
            return;
        }
        Items = list.Value?.Items ?? [];
        Total = list.Value?.Total ?? 0;
    }

    protected async Task ShowTabAsync(string tab)
    {
        Tab = tab;
        await ReloadAsync();
    }

    protected void Select(string number)
    {
        Selected = number;
        Text = null;
        Message = null;
        Version++;
    }

    protected void OnLoaded(TicketResponse? ticket) => Current = ticket;

    /// <summary>Whether the API lists <paramref name="action"/> among the selected order's actions for this user: the only test a button needs.</summary>
    protected bool May(string action) => Current?.Actions.Contains(action) == true;

    /// <summary>Runs a work-order action as the API's route does, then reloads the list and the order.</summary>
    protected async Task ActAsync(Func<ClaimsPrincipal, Task<IResult>> action, string done)
    {
        var result = await Ui.RunAsync<TicketResponse>(Policies.TicketsAct, action);
        if (result.Error is { } error) Show(error);
        else
        {
            Message = done;
            MessageIsError = false;
            Text = null;
        }
        await ReloadAsync();
        Version++;
    }

    protected Task<UiResult<TicketListResponse>> CentreListAsync(TicketListQuery query) =>
        Ui.RunAsync<TicketListResponse>(Policies.TicketsRead, async user => await TicketsApi.List(query, Records, user, CancellationToken.None));

    protected void Show(UiError error)
    {
        Message = UiErrors.Text(error, T);
        MessageIsError = true;
    }

    protected string DepartmentName(string? id) => id is null ? "—" : Departments.FirstOrDefault(d => d.Id == id)?.Name ?? id;
}
