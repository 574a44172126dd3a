namespace Hotline.Tests.Telephony;

/// <summary>Reads a call recording (PCM16 WAV) to see whether each channel carried sound.</summary>
public static class CallRecordingFile
{
    /// <summary>The peak absolute sample of each channel.</summary>
    public static int[] ChannelPeaks(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var channels = 0;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "fmt ") channels = BitConverter.ToInt16(bytes, offset + 10);
            if (id == "data")
            {
                var peaks = new int[channels];
                var end = Math.Min(bytes.Length, offset + 8 + size);
                for (int i = offset + 8, sample = 0; i + 1 < end; i += 2, sample++)
                    peaks[sample % channels] = Math.Max(peaks[sample % channels], Math.Abs((int)BitConverter.ToInt16(bytes, i)));
                return peaks;
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }
}
