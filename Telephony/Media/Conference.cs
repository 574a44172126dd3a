namespace Hotline.Telephony.Media;

/// <summary>Whom a conference member's voice reaches.</summary>
public enum ConferenceVoice
{
    /// <summary>Every other member (a three-way call, barging in).</summary>
    Everyone,
    /// <summary>No one: the member only listens (monitoring).</summary>
    NoOne,
    /// <summary>One other member only (whispering to the agent).</summary>
    OneMember,
}

/// <summary>A mixing conference: each member hears the sum of the others whose voice reaches it (with saturation),
/// never itself.</summary>
/// <remarks>The mix is computed once per pacing tick, by whichever member's source asks first.</remarks>
public sealed partial class Conference : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Member> _members = [];
    private readonly int[] _sum = new int[MediaStream.FrameSamples];
    private long _mixedTick = -1;

    public void Add(MediaStream member) => Add(member, ConferenceVoice.Everyone);

    /// <summary>Adds a member who hears the others; its own voice reaches whom <paramref name="voice"/> says
    /// (<paramref name="heardBy"/> for <see cref="ConferenceVoice.OneMember"/>).</summary>
    public void Add(MediaStream member, ConferenceVoice voice, MediaStream? heardBy = null)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (voice == ConferenceVoice.OneMember && heardBy is null)
        {
            throw new ArgumentNullException(nameof(heardBy), "A voice for one member needs that member");
        }
        Member added;
        lock (_gate)
        {
            if (_members.Any(m => m.Stream == member))
            {
                return;
            }
            added = new Member(this, member) { Voice = voice, HeardBy = voice == ConferenceVoice.OneMember ? heardBy : null };
            _members.Add(added);
        }
        member.AddTap(added.Tap);
        member.SetSource(added);
    }

    public void Remove(MediaStream member)
    {
        Member? removed;
        lock (_gate)
        {
            removed = _members.FirstOrDefault(m => m.Stream == member);
            if (removed is null)
            {
                return;
            }
            _members.Remove(removed);
        }
        Detach(removed);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
        }
    }

    public void Dispose()
    {
        Member[] members;
        lock (_gate)
        {
            members = [.. _members];
            _members.Clear();
        }
        foreach (var member in members)
        {
            Detach(member);
        }
    }

    private static void Detach(Member member)
    {
        member.Stream.RemoveTap(member.Tap);
        member.Stream.ReplaceSource(member, SilenceSource.Instance);
    }

    private void Mix(Member listener, Span<short> frame, long tick)
    {
        lock (_gate)
        {
            if (tick != _mixedTick)
            {
                _mixedTick = tick;
                Array.Clear(_sum);
                foreach (var member in _members)
                {
                    member.Tap.Read(member.Frame);
                    if (member.Voice != ConferenceVoice.Everyone)
                    {
                        continue;
                    }
                    for (int i = 0; i < _sum.Length; i++)
                    {
                        _sum[i] += member.Frame[i];
                    }
                }
            }
            if (!_members.Contains(listener))
            {
                frame.Clear();
                return;
            }
            var own = listener.Voice == ConferenceVoice.Everyone;
            for (int i = 0; i < frame.Length; i++)
            {
                int sample = _sum[i] - (own ? listener.Frame[i] : 0);
                foreach (var member in _members)
                {
                    if (member.HeardBy == listener.Stream)
                    {
                        sample += member.Frame[i];
                    }
                }
                frame[i] = Pcm.Saturate(sample);
            }
        }
    }

    /// <summary>A member's place in the mix; it is also the source its stream sends.</summary>
    private sealed class Member(Conference conference, MediaStream stream) : IAudioSource
    {
        public MediaStream Stream { get; } = stream;
        public SampleTap Tap { get; } = new();
        public short[] Frame { get; } = new short[MediaStream.FrameSamples];
        public ConferenceVoice Voice { get; init; }
        public MediaStream? HeardBy { get; init; }

        public void Read(Span<short> frame, long tick) => conference.Mix(this, frame, tick);
    }
}
