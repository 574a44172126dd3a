using Hotline.Api.Apis;
using Hotline.Surveys;
using Npgsql;

namespace Hotline.Api.Surveys;

/// <summary>
/// The demo's campaign: a draw of the demo frame (five numbers per department × source) and a survey campaign over it,
/// ready to start, interviewers 1001–1004, three completes per stratum. On ./run.sh's silo (no outbound gateway) it
/// dials on the simulated trunk, so signing an interviewer in and starting it shows the whole flow. Seeded once.
/// </summary>
internal static class CampaignDemo
{
    public const string Name = "2026 民主评议电话调查（演示）";

    /// <returns>Whether anything was seeded.</returns>
    public static async Task<bool> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } db) return false;
        var time = services.GetRequiredService<TimeProvider>();
        var store = new CampaignStore(db, time);
        if ((await store.ListAsync(ct)).Any(c => c.Name == Name)) return false;
        var frames = new SurveyFrameStore(db, time);
        var frame = (await frames.ListFramesAsync(ct)).FirstOrDefault(f => f.CreatedBy == SurveyDemo.User);
        var questionnaire = await new QuestionnaireStore(db, time).GetAsync(SurveyDemo.QuestionnaireId, null, ct);
        if (frame is null || questionnaire is null) return false;

        var draws = new SurveyDrawStore(db, time);
        var (revision, units) = await draws.UsableUnitsAsync(frame.Id, SurveysApi.DefaultRecentDays, ct);
        var design = new SamplingDesign([FrameColumns.Department, FrameColumns.Source],
            units.Select(u => (u.Department, u.Source)).Distinct().OrderBy(x => x.Department).ThenBy(x => x.Source)
                .Select(x => new StratumTarget(new Dictionary<string, string?> { [FrameColumns.Department] = x.Department, [FrameColumns.Source] = x.Source }, 5))
                .ToArray());
        var draw = await draws.SaveAsync(frame.Id, null, revision, SurveysApi.DefaultRecentDays, design, SystematicSampler.Draw(units, design, 2026), SurveyDemo.User, ct);

        var cases = await store.DrawCasesAsync(draw.Id, ct);
        var settings = new CampaignSettings
        {
            Name = Name,
            Kind = CampaignKind.Survey,
            Lines = 60,
            Seats = ["1001", "1002", "1003", "1004"],
            Retries = Dispositions.DefaultRetries,
            Quotas = draw.Strata.ToDictionary(s => s.Stratum, _ => 3),
            QuestionnaireId = questionnaire.Id,
            QuestionnaireVersion = questionnaire.Version,
        };
        var id = await store.CreateAsync(Name, "survey", draw.Id, questionnaire.Id, questionnaire.Version, null, null, null, SurveyDemo.User, ct);
        await SurveyCampaignsApi.ConfigureAsync(services, id, settings, cases, ct);
        return true;
    }
}
