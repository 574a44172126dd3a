using Hotline.Calls;
using Hotline.Seats;

namespace Hotline.Surveys;

/// <summary>Where a campaign's call stands, as the dialler reads it from the call.</summary>
public enum CallProgress
{
    /// <summary>No call was ever started under this id (the dial never reached the call).</summary>
    NotStarted,
    Dialling,
    Talking,
    /// <summary>Over; <see cref="CallReport.Reason"/> says why when it never connected.</summary>
    Ended,
}

public sealed record CallReport(CallProgress Progress, bool WasAnswered, string? Reason);

/// <summary>Why a dial was not placed: the seat was taken meanwhile (try another case later), or the cluster cannot dial at all.</summary>
public sealed record DialRefusal(bool SeatTaken, string Code, string Message);

/// <summary>
/// The campaign's side of the outbound path: whether an interviewer's seat is free, placing a call from it, and
/// reading how the call went. The cluster's implementation (<see cref="CallGrainCampaignDialer"/>) uses the call and
/// seat grains as an agent's own outbound call does; tests put a fake in its place.
/// </summary>
public interface ICampaignDialer
{
    Task<bool> IsFreeAsync(string jobNo);
    /// <summary>Places the call, or says why not. Placing the same call id again returns the call as it is.</summary>
    Task<DialRefusal?> DialAsync(string callId, OutboundCall call);
    Task<CallReport> ReportAsync(string callId);
}

/// <summary>
/// Outbound calls through <see cref="ICallGrain.DialOutAsync"/>: the interviewer's phone rings, then the respondent's
/// (progressive dialling, one line per free interviewer). A ready seat is a free interviewer.
/// </summary>
public sealed class CallGrainCampaignDialer(IGrainFactory grains) : ICampaignDialer
{
    public async Task<bool> IsFreeAsync(string jobNo) => (await grains.GetGrain<ISeatGrain>(jobNo).GetAsync()).State == SeatState.Ready;

    public async Task<DialRefusal?> DialAsync(string callId, OutboundCall call)
    {
        try
        {
            await grains.GetGrain<ICallGrain>(callId).DialOutAsync(call);
            return null;
        }
        catch (DomainException e) when (e.Code is "seat.unavailable" or "seat.no_phone" or "seat.not_logged_in")
        {
            return new DialRefusal(true, e.Code, e.Message);
        }
        catch (DomainException e)
        {
            return new DialRefusal(false, e.Code, e.Message);
        }
    }

    public async Task<CallReport> ReportAsync(string callId)
    {
        CallSnapshot call;
        try
        {
            call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
        }
        catch (DomainException e) when (e.Code == "call.not_found")
        {
            return new(CallProgress.NotStarted, false, null);
        }
        var answered = call.AnsweredAt is not null;
        return call.State switch
        {
            CallState.Dialing => new(CallProgress.Dialling, false, null),
            _ when call.State.IsFinal() || call.State == CallState.Wrapup => new(CallProgress.Ended, answered, call.EndReason),
            _ => new(answered ? CallProgress.Talking : CallProgress.Dialling, answered, null),
        };
    }
}
