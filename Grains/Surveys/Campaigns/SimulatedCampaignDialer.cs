using System.Collections.Concurrent;
using Hotline.Calls;
using Hotline.Common;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Surveys;

/// <summary>
/// Campaign calls on the simulated trunk, for demos and screens on a silo that cannot dial out (no outbound gateway) but
/// runs the simulated trunk: no call grain and no phone; the respondent's number decides what happens, so a demo or a
/// test knows what to expect. Last digit 1, 4, 7 or 9: answers after 2 s and talks for a minute (about 40 %); 2 or 5:
/// busy; 3 or 8: rings out (no answer after 30 s); 6: rejects the call; 0: not a working number.
/// </summary>
public sealed class SimulatedCampaignDialer(IGrainFactory grains, TimeProvider time) : ICampaignDialer
{
    private static readonly TimeSpan Ring = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Talk = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, char Digit)> _calls = new();

    /// <summary>Whether this silo's campaigns dial on the simulated trunk: it runs the trunk and cannot dial for real.</summary>
    public static bool Applies(IServiceProvider services) =>
        services.GetService<IOptions<HotlineGrainOptions>>()?.Value.SimulatedTrunkEnabled == true
        && services.GetService<IOutboundDialer>()?.CannotDial is not null;

    public async Task<bool> IsFreeAsync(string jobNo) => (await grains.GetGrain<ISeatGrain>(jobNo).GetAsync()).State == SeatState.Ready;

    public Task<DialRefusal?> DialAsync(string callId, OutboundCall call)
    {
        _calls.TryAdd(callId, (time.GetUtcNow(), call.To[^1]));
        return Task.FromResult<DialRefusal?>(null);
    }

    /// <summary>A call this dialler never placed (its campaign moved silos) reads as never started, so the campaign places it again.</summary>
    public Task<CallReport> ReportAsync(string callId)
    {
        if (!_calls.TryGetValue(callId, out var call)) return Task.FromResult(new CallReport(CallProgress.NotStarted, false, null));
        var elapsed = time.GetUtcNow() - call.At;
        var report = call.Digit switch
        {
            '1' or '4' or '7' or '9' when elapsed < Ring => new CallReport(CallProgress.Dialling, false, null),
            '1' or '4' or '7' or '9' when elapsed < Ring + Talk => new CallReport(CallProgress.Talking, true, null),
            '1' or '4' or '7' or '9' => new CallReport(CallProgress.Ended, true, "caller_hangup"),
            '3' or '8' => elapsed < TimeSpan.FromSeconds(30) ? new(CallProgress.Dialling, false, null) : new(CallProgress.Ended, false, "no_answer"),
            _ when elapsed < TimeSpan.FromSeconds(1) => new CallReport(CallProgress.Dialling, false, null),
            '2' or '5' => new CallReport(CallProgress.Ended, false, "busy"),
            '6' => new CallReport(CallProgress.Ended, false, "rejected"),
            _ => new CallReport(CallProgress.Ended, false, "unknown_number"),
        };
        if (report.Progress == CallProgress.Ended) _calls.TryRemove(callId, out _);
        return Task.FromResult(report);
    }
}
