using Hotline.Calls;

namespace Hotline.LoadTest.Enqueue;

/// <summary>
/// How the calls that entered the hotline ended, read from the calls' own records after the run:
/// answered (ended after an answer), abandoned (the caller hung up waiting), other (ended another way:
/// voicemail, failed, ended unanswered) and lost (still not in a final state after the grace period, or unreadable).
/// </summary>
public sealed class CallTally
{
    public int Answered { get; private set; }
    public int Abandoned { get; private set; }
    public int Lost { get; private set; }
    /// <summary>Final states other than answered or abandoned, by API name (<c>voicemail</c>, <c>failed</c>, <c>ended</c>).</summary>
    public SortedDictionary<string, int> Other { get; } = new(StringComparer.Ordinal);
    /// <summary>The states lost calls were left in, by API name.</summary>
    public SortedDictionary<string, int> LostIn { get; } = new(StringComparer.Ordinal);

    public int OtherTotal => Other.Values.Sum();
    public int Total => Answered + Abandoned + Lost + OtherTotal;

    /// <summary>Counts one call; <paramref name="snapshot"/> is null when its record could not be read.</summary>
    public void Add(CallSnapshot? snapshot)
    {
        switch (snapshot)
        {
            case null:
                Lost++;
                Increment(LostIn, "unreadable");
                break;
            case { State: CallState.Ended, AnsweredAt: not null }:
                Answered++;
                break;
            case { State: CallState.Abandoned }:
                Abandoned++;
                break;
            case { State: var state } when state.IsFinal():
                Increment(Other, Names.Of(state));
                break;
            default:
                Lost++;
                Increment(LostIn, Names.Of(snapshot.State));
                break;
        }
    }

    private static void Increment(SortedDictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
