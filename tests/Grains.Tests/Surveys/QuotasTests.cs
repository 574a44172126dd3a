using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

public class QuotasTests
{
    [Fact]
    public void Progress_counts_completions_per_stratum_county_and_source_and_a_met_quota_closes_dialling()
    {
        QuotaTarget[] targets =
        [
            new(QuotaDimension.Stratum, "department=gongan|source=hotline", 2),
            new(QuotaDimension.County, "桥西区", 5),
            new(QuotaDimension.Source, "carrier", 1),
        ];
        QuotaCompletion[] done =
        [
            new("department=gongan|source=hotline", "桥西区", "hotline"),
            new("department=gongan|source=hotline", "长安区", "hotline"),
            new("department=gongan|source=carrier", "桥西区", "carrier"),
        ];

        var progress = Quotas.Progress(targets, done);

        Assert.Equal([(2, true, 0), (2, false, 3), (1, true, 0)], progress.Select(p => (p.Completed, p.Met, p.Remaining)));
        Assert.Equal(40, progress[1].Percent);
        Assert.False(Quotas.IsOpen(progress, "department=gongan|source=hotline", "长安区", "hotline"));
        Assert.False(Quotas.IsOpen(progress, "department=shuiwu|source=carrier", "长安区", "carrier"));
        Assert.True(Quotas.IsOpen(progress, "department=shuiwu|source=hotline", "桥西区", "hotline"));
    }
}
