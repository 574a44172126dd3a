namespace Hotline.Telephony.Media;

/// <summary>Connects two streams so each hears the other (the B2BUA bridge). Disposing ends the bridge; each
/// stream goes back to silence.</summary>
public static partial class MediaBridge
{
    public static IDisposable Connect(MediaStream a, MediaStream b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
        {
            throw new ArgumentException("A stream cannot be bridged to itself", nameof(b));
        }
        return new Bridge(a, b);
    }

    private sealed class Bridge : IDisposable
    {
        private readonly MediaStream _a;
        private readonly MediaStream _b;
        private readonly SampleTap _fromA = new();
        private readonly SampleTap _fromB = new();
        private readonly TapSource _toA;
        private readonly TapSource _toB;
        private int _disposed;

        public Bridge(MediaStream a, MediaStream b)
        {
            _a = a;
            _b = b;
            _toA = new TapSource(_fromB);
            _toB = new TapSource(_fromA);
            a.AddTap(_fromA);
            b.AddTap(_fromB);
            a.SetSource(_toA);
            b.SetSource(_toB);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            _a.RemoveTap(_fromA);
            _b.RemoveTap(_fromB);
            _a.ReplaceSource(_toA, SilenceSource.Instance);
            _b.ReplaceSource(_toB, SilenceSource.Instance);
        }
    }
}
