using Hotline.Seats;

namespace Hotline.Queues;

/// <summary>What the seats logged in to a queue add up to, for the estimated wait.</summary>
public readonly record struct QueueStaffing(int Staffed, int CallsAnswered, double TalkSeconds)
{
    /// <summary>What one seat adds: nothing when logged out; not staffed when not ready.</summary>
    public static QueueStaffing Of(SeatAvailability seat) => seat.State == SeatState.LoggedOut
        ? default
        : new QueueStaffing(seat.State != SeatState.NotReady ? 1 : 0, seat.CallsAnswered, seat.TalkTime.TotalSeconds);

    public static QueueStaffing operator +(QueueStaffing a, QueueStaffing b) =>
        new(a.Staffed + b.Staffed, a.CallsAnswered + b.CallsAnswered, a.TalkSeconds + b.TalkSeconds);

    public static QueueStaffing operator -(QueueStaffing a, QueueStaffing b) =>
        new(a.Staffed - b.Staffed, a.CallsAnswered - b.CallsAnswered, a.TalkSeconds - b.TalkSeconds);

    public static QueueStaffing Of(IEnumerable<SeatAvailability> seats)
    {
        int staffed = 0, answered = 0;
        double talk = 0;
        foreach (var seat in seats)
        {
            if (seat.State == SeatState.LoggedOut) continue;
            if (seat.State != SeatState.NotReady) staffed++;
            answered += seat.CallsAnswered;
            talk += seat.TalkTime.TotalSeconds;
        }
        return new QueueStaffing(staffed, answered, talk);
    }
}

/// <summary>What a waiting call is due now in its home queue: to leave it (maximum wait), or to overflow to more queues.</summary>
public readonly record struct WaitingDue(bool Exit, IReadOnlyList<string> OverflowTo)
{
    public static readonly WaitingDue Nothing = new(false, []);
}

/// <summary>
/// A queue's rules over time and size, as a plain class over its settings: which seats may take a call as it waits
/// (widening), whether a call is let in, when it overflows or leaves, how long a caller can expect to wait, and which
/// waits count as short abandons or within the service level. <see cref="QueueGrain"/> applies them; routing among
/// the seats that qualify is <see cref="AcdRouter"/>'s.
/// </summary>
public sealed class QueuePolicy(QueueConfig config)
{
    /// <summary>The handle time assumed before any seat of the queue has answered a call.</summary>
    public const int DefaultTalkSeconds = 120;

    public QueueConfig Config => config;

    /// <summary>The lowest proficiency level offered a call that has waited this long (the widening steps passed).</summary>
    public int MinimumLevel(TimeSpan waited)
    {
        var level = config.MinimumLevel;
        foreach (var step in config.Widening)
            if (waited.TotalSeconds >= step.AfterSeconds) level = Math.Min(level, step.MinimumLevel);
        return level;
    }

    /// <summary>
    /// Where a new call goes instead of waiting, or null to let it in. A full queue (its maximum length of live callers
    /// waiting) turns callers away to its exit destination; callback tasks and calls visiting on overflow always get in.
    /// </summary>
    public QueueExitDestination? Refusal(bool isVisit, bool isCallback, int liveWaiting) =>
        !isVisit && !isCallback && config.MaxLength is int max && liveWaiting >= max ? config.ExitDestination : null;

    /// <summary>What a call waiting in its home queue is due after <paramref name="waited"/>; overflow queues it already reached are left out.</summary>
    public WaitingDue Due(TimeSpan waited, bool isCallback, IReadOnlySet<string> overflowedTo)
    {
        if (!isCallback && config.MaxWaitSeconds is int maxWait && waited.TotalSeconds >= maxWait) return new WaitingDue(true, []);
        List<string>? overflow = null;
        foreach (var rule in config.Overflow)
            if (waited.TotalSeconds >= rule.AfterSeconds && !overflowedTo.Contains(rule.QueueId) && !(overflow?.Contains(rule.QueueId) ?? false))
                (overflow ??= []).Add(rule.QueueId);
        return overflow is null ? WaitingDue.Nothing : new WaitingDue(false, overflow);
    }

    /// <summary>
    /// How long after entering the call next has something due (an overflow rule it has not reached, or its maximum wait),
    /// or null when nothing ever will: the queue keeps its waiting calls in order of this, and looks at no other call on its tick.
    /// </summary>
    public TimeSpan? NextDue(bool isCallback, IReadOnlySet<string> overflowedTo)
    {
        int? next = !isCallback && config.MaxWaitSeconds is int maxWait ? maxWait : null;
        foreach (var rule in config.Overflow)
            if (!overflowedTo.Contains(rule.QueueId) && (next is null || rule.AfterSeconds < next)) next = rule.AfterSeconds;
        return next is int seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>
    /// Expected wait for a caller at this position: the calls ahead, each taking the seats' average handle time (talk plus
    /// wrap-up), shared among the staffed seats.
    /// </summary>
    public int EstimatedWaitSeconds(int position, QueueStaffing staffing)
    {
        if (position <= 0) return 0;
        var averageHandle = (staffing.CallsAnswered > 0 ? staffing.TalkSeconds / staffing.CallsAnswered : DefaultTalkSeconds) + config.WrapUpSeconds;
        return (int)Math.Ceiling(position * averageHandle / Math.Max(1, staffing.Staffed));
    }

    public bool IsShortAbandon(TimeSpan waited) => waited < TimeSpan.FromSeconds(config.ShortAbandonSeconds);

    public bool WithinServiceLevel(double waitedSeconds) => waitedSeconds <= config.ServiceLevelSeconds;
}
