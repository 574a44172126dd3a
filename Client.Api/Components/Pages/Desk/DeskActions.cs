using Hotline.Api.Contracts;

namespace Hotline.Api.Components.Pages.Desk;

/// <summary>
/// Which desk buttons work now. The seat's and the call's life cycles decide (SeatLifecycle, CallLifecycle): the API
/// sends their actions with every seat and call snapshot, and the desk's parts and its shortcuts ask only this.
/// </summary>
public static class DeskActions
{
    /// <summary>A seat control: the seat's own actions say whether it applies now.</summary>
    public static bool SeatCan(SeatResponse? seat, string action) => seat?.Actions.Contains(action) == true;

    /// <summary>A call control: the call's own actions (for the seat it is with) say whether it applies now.</summary>
    public static bool CallCan(SeatResponse? seat, CallResponse? call, string action) =>
        call is { } c && c.Id == seat?.CallId && c.Actions.Contains(action);
}
