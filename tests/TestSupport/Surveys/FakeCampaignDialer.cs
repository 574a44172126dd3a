using System.Collections.Concurrent;
using Hotline.Calls;
using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

/// <summary>A campaign dialler the test plays: which interviewers are free, how each call went, dials lost on the way.</summary>
public sealed class FakeCampaignDialer : ICampaignDialer
{
    public ConcurrentDictionary<string, bool> FreeSeats { get; } = new();
    public ConcurrentDictionary<string, CallReport> Reports { get; } = new();
    public ConcurrentQueue<(string CallId, OutboundCall Call)> Dials { get; } = new();
    /// <summary>Dials the fake acts as if never placed (the silo died on the way).</summary>
    public ConcurrentDictionary<string, bool> Lose { get; } = new();
    public DialRefusal? RefuseAll { get; set; }

    public Task<bool> IsFreeAsync(string jobNo) => Task.FromResult(FreeSeats.GetValueOrDefault(jobNo));

    public Task<DialRefusal?> DialAsync(string callId, OutboundCall call)
    {
        if (RefuseAll is { } refusal) return Task.FromResult<DialRefusal?>(refusal);
        if (Lose.TryRemove(callId, out _)) return Task.FromResult<DialRefusal?>(null);
        Dials.Enqueue((callId, call));
        Reports.TryAdd(callId, new CallReport(CallProgress.Dialling, false, null));
        FreeSeats[call.JobNo] = false;
        return Task.FromResult<DialRefusal?>(null);
    }

    public Task<CallReport> ReportAsync(string callId) =>
        Task.FromResult(Reports.GetValueOrDefault(callId) ?? new CallReport(CallProgress.NotStarted, false, null));
}
