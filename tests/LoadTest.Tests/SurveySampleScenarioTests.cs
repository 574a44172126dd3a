using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Scenarios;
using Hotline.LoadTest.Surveys;

namespace Hotline.Tests;

public class SurveySampleScenarioTests
{
    [Fact]
    public async Task A_small_run_draws_every_department_its_sample_and_reports_the_same_seed_giving_the_same_sample()
    {
        var report = await new SurveySampleScenario().RunAsync(CommandLine.Parse(["--frame", "20000", "--departments", "5", "--per-department", "100", "--draws", "2"]),
            new ScenarioContext("survey-sample", TimeProvider.System), CancellationToken.None);

        var table = Assert.Single(report.Tables);
        Assert.Equal([500.0, 500.0], table.Rows.Select(r => r.Values["members"]));
        Assert.Equal([0.0, 0.0], table.Rows.Select(r => r.Values["short_strata"]));
        Assert.True(report.Targets.Single(t => t.Name == "same seed, same sample").Met);
    }

    [Fact]
    public void The_synthetic_frame_has_distinct_numbers_and_the_design_splits_each_department_40_30_20_10()
    {
        var o = new SurveySampleOptions { Frame = 10_000, Departments = 3, PerDepartment = 101 };
        var frame = SurveySampleScenario.BuildFrame(o);
        Assert.Equal(10_000, frame.Select(u => u.Number).Distinct().Count());
        Assert.All(frame, u => Assert.Equal(11, u.Number.Length));

        var design = SurveySampleScenario.Design(o);
        Assert.Equal(12, design.Targets.Count);
        Assert.Equal([41, 30, 20, 10], design.Targets.Take(4).Select(t => t.Size));
    }
}
