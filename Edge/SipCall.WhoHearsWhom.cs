using Hotline.Calls;
using Hotline.Telephony.Media;

namespace Hotline.Edge;

/// <summary>Who hears whom, decided in one place from the legs present, the hold and the third party's role: a bridge
/// for two, a mixing conference for three, music for a caller left waiting.</summary>
public sealed partial class SipCall
{
    /// <summary>Who hears whom, from the legs present and the third party's role. Called under the lock.</summary>
    private void RewireAudio()
    {
        _topology?.Dispose();
        _topology = null;
        if (_over && !_handedOver) return;
        var caller = _caller.Media;
        switch (_partyRole)
        {
            case ParticipantRole.TransferOut:
                if (_party is not null) Bridge(caller, _party.Media);
                else caller.PlayLoop(_edge.Prompts.Waiting("zh"));
                return;
            case ParticipantRole.Consultation:
                // The caller waits with music while the agent talks to the colleague or department.
                caller.PlayLoop(_edge.Prompts.Waiting("zh"));
                if (_agent is not null && _party is not null) _topology = MediaBridge.Connect(_agent.Media, _party.Media);
                return;
        }
        if (_onHold)
        {
            caller.PlayLoop(_edge.Prompts.Waiting("zh"));
            return;
        }
        if (_agent is null) return; // in the IVR or the queue: their prompts and music play
        if (_party is null || _partyRole is null)
        {
            Bridge(caller, _agent.Media);
            return;
        }
        caller.StopPlayback();
        var conference = new Conference();
        conference.Add(caller);
        conference.Add(_agent.Media);
        switch (_partyRole)
        {
            case ParticipantRole.Monitor:
                conference.Add(_party.Media, ConferenceVoice.NoOne);
                break;
            case ParticipantRole.Whisper:
                conference.Add(_party.Media, ConferenceVoice.OneMember, heardBy: _agent.Media);
                break;
            default:
                conference.Add(_party.Media);
                break;
        }
        _topology = conference;
        _connectWanted = null;
    }

    private void Bridge(MediaStream caller, MediaStream other)
    {
        caller.StopPlayback();
        _topology = MediaBridge.Connect(caller, other);
        _connectWanted = null;
    }
}
