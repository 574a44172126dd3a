using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Ivr;

[GenerateSerializer, Alias("hotline.PollState")]
public sealed class PollState
{
    [Id(0)] public SortedDictionary<int, int> Counts { get; set; } = [];
    /// <summary>The latest answers by call, so a retried answer is counted once (the oldest forgotten first).</summary>
    [Id(1)] public Dictionary<string, int> RecentAnswers { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public List<string> RecentOrder { get; set; } = [];
}

/// <summary>An opinion poll's counted answers (民意调查), durable in the "hotline" storage.</summary>
[GrainType("ivr-poll")]
public sealed class PollGrain([PersistentState(GrainStorage.States.Poll, GrainStorage.Hotline)] IPersistentState<PollState> state) : Grain, IPollGrain
{
    /// <summary>How many recent calls are remembered for de-duplication.</summary>
    public const int RecentCalls = 10_000;

    public async Task<PollResults> AnswerAsync(string callId, int choice)
    {
        if (choice is < 1 or > 9) throw new DomainException("validation.failed", $"A poll answer is a key from 1 to 9, not {choice}.", status: 400);
        var s = state.State;
        if (s.RecentAnswers.TryGetValue(callId, out var earlier))
        {
            if (earlier == choice) return Results();
            s.Counts[earlier]--;
        }
        else
        {
            s.RecentOrder.Add(callId);
            if (s.RecentOrder.Count > RecentCalls)
            {
                s.RecentAnswers.Remove(s.RecentOrder[0]);
                s.RecentOrder.RemoveAt(0);
            }
        }
        s.RecentAnswers[callId] = choice;
        s.Counts[choice] = s.Counts.GetValueOrDefault(choice) + 1;
        await state.WriteStateAsync();
        return Results();
    }

    public Task<PollResults> GetResultsAsync() => Task.FromResult(Results());

    private PollResults Results() =>
        new(this.GetPrimaryKeyString(), new Dictionary<int, int>(state.State.Counts), state.State.Counts.Values.Sum());
}
