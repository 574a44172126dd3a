using System.Text;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.Sip;

/// <summary>Mutated real messages: the parser must return a message or a rejection, never throw.</summary>
public class SipParserFuzzTests
{
    [Fact]
    public void Mutated_real_messages_never_throw_and_always_yield_a_message_or_a_rejection()
    {
        var rng = new Random(12345);
        var samples = SipSamples.All.Select(Encoding.UTF8.GetBytes).ToArray();
        int parsed = 0, rejected = 0, answerable = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var input = Mutate(samples[rng.Next(samples.Length)], rng);
            var r = SipParser.Parse(input, requireFullBody: rng.Next(2) == 0);
            Assert.True(r.Success ^ (r.Error is not null), "exactly one of message and error");
            if (r.Success)
            {
                parsed++;
                // What parsed must also serialize and read back.
                Assert.True(SipParser.Parse(r.Message!.ToBytes()).Success);
                _ = r.Message!.CSeq;
                _ = SipVia.Parse(r.Message.TopVia);
            }
            else
            {
                rejected++;
                if (r.Answerable is { } a)
                {
                    answerable++;
                    _ = a.CallId;
                }
            }
            _ = SipParser.FrameLength(input);
        }
        Assert.True(parsed > 1000 && rejected > 1000, $"parsed {parsed}, rejected {rejected}, answerable {answerable}");
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var data = new List<byte>(source);
        var rounds = 1 + rng.Next(4);
        for (var r = 0; r < rounds && data.Count > 0; r++)
        {
            switch (rng.Next(6))
            {
                case 0: // byte flips
                    for (var k = 0; k < 1 + rng.Next(8); k++)
                    {
                        var pos = rng.Next(data.Count);
                        data[pos] = (byte)(data[pos] ^ (1 << rng.Next(8)));
                    }
                    break;
                case 1: // truncation
                    {
                        var at = rng.Next(data.Count);
                        data.RemoveRange(at, data.Count - at);
                    }
                    break;
                case 2: // duplicate a slice
                    {
                        var start = rng.Next(data.Count);
                        var len = Math.Min(rng.Next(1, 200), data.Count - start);
                        data.InsertRange(rng.Next(data.Count), data.GetRange(start, len));
                    }
                    break;
                case 3: // delete a random header line
                    {
                        var lines = Encoding.UTF8.GetString(data.ToArray()).Split("\r\n").ToList();
                        if (lines.Count > 2)
                        {
                            lines.RemoveAt(1 + rng.Next(lines.Count - 1));
                        }
                        data = new List<byte>(Encoding.UTF8.GetBytes(string.Join("\r\n", lines)));
                    }
                    break;
                case 4: // random bytes, including separators the parser cares about
                    {
                        var special = new byte[] { (byte)':', (byte)';', (byte)',', (byte)'<', (byte)'>', (byte)'"', (byte)'\r', (byte)'\n', 0, 0xFF, (byte)' ' };
                        data.Insert(rng.Next(data.Count), special[rng.Next(special.Length)]);
                    }
                    break;
                default: // remove a run of bytes from the middle
                    {
                        var at = rng.Next(data.Count);
                        data.RemoveRange(at, Math.Min(rng.Next(1, 50), data.Count - at));
                    }
                    break;
            }
        }
        return data.ToArray();
    }
}
