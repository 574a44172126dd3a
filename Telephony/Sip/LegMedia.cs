using System.Net;
using Hotline.Telephony.Media;

namespace Hotline.Telephony.Sip;

/// <summary>
/// The part of a <see cref="MediaStream"/> the SIP layer drives. An interface so that signalling tests run
/// without RTP sockets; production wraps the real stream.
/// </summary>
internal interface ILegMedia
{
    MediaStream? Stream { get; }
    IPEndPoint LocalEndPoint { get; }
    void Start(IPEndPoint remote, MediaFormat format);
    void Update(IPEndPoint remote, MediaFormat format);
    bool Sending { get; set; }
    void InjectDigit(char digit);
    ValueTask DisposeAsync();
}

internal interface ILegMediaFactory
{
    void Start();
    ILegMedia Open();
}

internal sealed class MediaEngineLegMediaFactory(MediaEngine engine) : ILegMediaFactory
{
    public void Start() => engine.Start();

    public ILegMedia Open() => new StreamLegMedia(engine.OpenStream());

    private sealed class StreamLegMedia(MediaStream stream) : ILegMedia
    {
        public MediaStream? Stream => stream;
        public IPEndPoint LocalEndPoint => stream.LocalEndPoint;
        public void Start(IPEndPoint remote, MediaFormat format) => stream.Start(remote, format);
        public void Update(IPEndPoint remote, MediaFormat format) => stream.Update(remote, format);
        public bool Sending { get => stream.Sending; set => stream.Sending = value; }
        public void InjectDigit(char digit) => stream.InjectDigit(digit);
        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
