using Hotline.Ivr;

namespace Hotline.Tests.Ivr;

/// <summary>The committed prompts (<c>prompts/</c>): what the flow names exists, every WAV is 8 kHz mono PCM16, the list and the files agree.</summary>
public sealed class PromptFileTests
{
    private static readonly string Root = FindPrompts();
    private static readonly FolderPromptCatalog Folder = new(Root);

    private static string FindPrompts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "prompts");
            if (File.Exists(Path.Combine(candidate, "prompts.tsv"))) return candidate;
        }
        throw new DirectoryNotFoundException("No prompts/prompts.tsv above the test binaries.");
    }

    [Fact]
    public void Every_prompt_the_default_flow_names_is_a_file_in_its_language()
    {
        var flow = DefaultIvrFlow.Flow;
        var named = flow.Nodes.SelectMany(n => n.PromptNames()).Select(p => p.Prompt).OfType<string>().Distinct().ToList();

        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.True(Folder.Contains(new PromptRef(flow.Language, name)), $"{flow.Language}/{name}.wav is missing"));
    }

    [Fact]
    public void The_default_flow_is_valid_against_the_files_on_disk()
    {
        Assert.Empty(new IvrFlowValidator(Folder).Validate(DefaultIvrFlow.Flow).Errors);
    }

    [Fact]
    public void Digits_numerals_and_the_beep_exist()
    {
        foreach (var language in new[] { "zh", "en" })
        {
            for (var d = 0; d <= 9; d++) Assert.True(Folder.Contains(new PromptRef(language, $"digit_{d}")), $"{language}/digit_{d}");
            Assert.True(Folder.Contains(new PromptRef(language, "beep")));
        }
        for (var n = 0; n <= 10; n++) Assert.True(Folder.Contains(new PromptRef("zh", $"num_{n}")), $"zh/num_{n}");
    }

    [Fact]
    public void The_prompt_list_and_the_files_name_the_same_prompts()
    {
        var listed = PromptList.Embedded.Names.SelectMany(l => l.Value.Select(n => $"{l.Key}/{n}")).Order().ToList();
        var files = Folder.Names.SelectMany(l => l.Value.Select(n => $"{l.Key}/{n}")).Order().ToList();

        Assert.Equal(listed, files);
    }

    [Fact]
    public void The_built_in_default_flow_and_prompt_list_are_the_committed_files()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "flows", "default.json")), DefaultIvrFlow.Json);
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "prompts.tsv")), PromptList.EmbeddedText("Hotline.Ivr.prompts.tsv"));
    }

    [Fact]
    public void Every_prompt_is_a_pcm16_mono_8_khz_wav()
    {
        var files = Directory.EnumerateFiles(Root, "*.wav", SearchOption.AllDirectories).ToList();

        Assert.True(files.Count >= 70, $"only {files.Count} prompts");
        Assert.All(files, file =>
        {
            var wav = WavInfo.Read(file);
            Assert.True((wav.Format, wav.Channels, wav.SampleRate, wav.BitsPerSample) == (1, 1, 8000, 16),
                $"{file}: format {wav.Format}, {wav.Channels} ch, {wav.SampleRate} Hz, {wav.BitsPerSample} bit");
            Assert.True(wav.Duration > TimeSpan.FromMilliseconds(200), $"{file} is {wav.Duration.TotalSeconds} s");
        });
    }

    [Fact]
    public void The_welcome_is_shorter_than_fifteen_seconds()
    {
        var welcome = WavInfo.Read(Path.Combine(Root, "zh", "welcome.wav")).Duration;

        Assert.InRange(welcome.TotalSeconds, 5, 14.99);
    }

    /// <summary>A WAV header read chunk by chunk (never assuming the data starts at byte 44).</summary>
    private sealed record WavInfo(int Format, int Channels, int SampleRate, int BitsPerSample, long DataBytes)
    {
        public TimeSpan Duration => TimeSpan.FromSeconds(DataBytes / (double)(SampleRate * Channels * BitsPerSample / 8));

        public static WavInfo Read(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            Assert.Equal("RIFF", new string(reader.ReadChars(4)));
            reader.ReadInt32();
            Assert.Equal("WAVE", new string(reader.ReadChars(4)));
            int? format = null, channels = null, rate = null, bits = null;
            while (reader.BaseStream.Position + 8 <= reader.BaseStream.Length)
            {
                var id = new string(reader.ReadChars(4));
                var size = reader.ReadUInt32();
                if (id == "fmt ")
                {
                    format = reader.ReadInt16();
                    channels = reader.ReadInt16();
                    rate = reader.ReadInt32();
                    reader.ReadInt32();
                    reader.ReadInt16();
                    bits = reader.ReadInt16();
                    reader.BaseStream.Seek(size - 16, SeekOrigin.Current);
                }
                else if (id == "data")
                {
                    Assert.NotNull(format);
                    return new WavInfo(format!.Value, channels!.Value, rate!.Value, bits!.Value, size);
                }
                else
                {
                    reader.BaseStream.Seek(size + (size & 1), SeekOrigin.Current);
                }
            }
            throw new InvalidDataException($"{path} has no data chunk.");
        }
    }
}
