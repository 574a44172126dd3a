using Hotline.Ivr;
using Hotline.Tests.Calendar;

namespace Hotline.Tests.Ivr;


public sealed class IvrOptionsTests
{
    [Fact]
    public void Service_hours_parse_and_bad_ones_are_refused_with_the_setting_named()
    {
        var good = new IvrOptions { ServiceHours = ["08:00-12:00", "13:00-20:00"] };
        var bad = new IvrOptions { ServiceHours = ["8-20"], TimeZone = "Mars/Olympus" };

        Assert.Equal(2, good.ParseServiceHours().Periods.Count);
        var errors = bad.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(bad)).Select(r => r.ErrorMessage).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("Hotline:Ivr:", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-12-07T15:59:30Z", true)]  // 23:59:30 in Beijing: the last minute of the day is served
    [InlineData("2026-12-07T16:00:00Z", true)]  // midnight, a new day of the same service
    [InlineData("2026-12-08T03:30:00Z", true)]
    public void Round_the_clock_service_ends_at_24_00_and_leaves_no_minute_to_voicemail(string at, bool open)
    {
        var hours = new IvrOptions { ServiceHours = ["00:00-24:00"], ServiceOnDaysOff = true }.ParseServiceHours();

        Assert.Equal(open, ServiceHours.IsOpen(China.Calendar2025And2026, hours, onDaysOff: true, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_evening_period_may_run_to_midnight_and_a_malformed_end_is_refused()
    {
        var evening = ServiceDay.Parse(["08:00-12:00", "18:00-24:00"]);

        Assert.True(evening.Contains(new TimeSpan(23, 59, 59)));
        Assert.False(evening.Contains(new TimeSpan(12, 0, 0)));
        Assert.Contains("24:01", Assert.Throws<FormatException>(() => ServiceDay.Parse(["00:00-24:01"])).Message, StringComparison.Ordinal);
        Assert.Contains("ends before it starts", Assert.Throws<FormatException>(() => ServiceDay.Parse(["24:00-24:00"])).Message, StringComparison.Ordinal);
        Assert.Contains("must not overlap", Assert.Throws<FormatException>(() => ServiceDay.Parse(["08:00-20:00", "19:00-24:00"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_finds_the_prompt_folder_or_says_which_setting_is_wrong()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var root = RepositoryRoot();

        services.AddHotlineIvr(new IvrOptions { PromptsPath = Path.Combine(root, "prompts") });
        var missing = Assert.Throws<DirectoryNotFoundException>(() => services.AddHotlineIvr(new IvrOptions { PromptsPath = "/no/such/prompts" }));

        Assert.Contains(services, d => d.ServiceType == typeof(IIvrServices));
        Assert.Contains("Hotline:Ivr:PromptsPath", missing.Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "prompts", "prompts.tsv"))) return dir.FullName;
        throw new FileNotFoundException("prompts/prompts.tsv");
    }
}
