namespace Hotline.Ivr;

/// <summary>
/// The centre's IVR flow (key "centre"), every version kept. Seeds itself with the default flow
/// (<c>prompts/flows/default.json</c>) as version 1 when nothing was ever saved. A saved version is never
/// changed: a call runs the version it began with to the end.
/// </summary>
[Alias("hotline.IIvrFlowGrain")]
public interface IIvrFlowGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    /// <summary>The version new calls run.</summary>
    [Alias("GetCurrent")] Task<IvrFlowVersion> GetCurrentAsync();
    /// <summary>Null when no such version was saved.</summary>
    [Alias("GetVersion")] Task<IvrFlowVersion?> GetVersionAsync(int number);
    [Alias("GetVersions")] Task<IReadOnlyList<IvrFlowVersionInfo>> GetVersionsAsync();
    /// <summary>Validates the flow and, if it has no errors, saves it as the next version, which new calls run from now on.</summary>
    [Alias("Save")] Task<IvrFlowSaveResult> SaveAsync(IvrFlow flow, string savedBy);
    /// <summary>Checks a flow without saving it.</summary>
    [Alias("Validate")] Task<IvrFlowSaveResult> ValidateAsync(IvrFlow flow);
    /// <summary>The prompt names per language (<c>zh</c>, <c>en</c>) that flows may use.</summary>
    [Alias("GetPrompts")] Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetPromptsAsync();
}

/// <summary>Counted answers of one opinion poll (民意调查).</summary>
[GenerateSerializer, Immutable, Alias("hotline.PollResults")]
public sealed record PollResults(
    [property: Id(0)] string PollId,
    /// <summary>Answers per choice (1-based).</summary>
    [property: Id(1)] IReadOnlyDictionary<int, int> Counts,
    [property: Id(2)] int Total);

/// <summary>An opinion poll (key: poll id) answered in the IVR; answers are counted durably, once per call.</summary>
[Alias("hotline.IPollGrain")]
public interface IPollGrain : IGrainWithStringKey
{
    /// <summary>Counts the answer; a retried answer from the same call (1–9) is counted once, the latest choice winning.</summary>
    [Alias("Answer")] Task<PollResults> AnswerAsync(string callId, int choice);
    [Alias("GetResults")] Task<PollResults> GetResultsAsync();
}
