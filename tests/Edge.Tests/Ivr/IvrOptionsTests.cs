using Hotline.Ivr;

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
