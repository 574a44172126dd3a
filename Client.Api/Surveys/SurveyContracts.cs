using Hotline.Surveys;

namespace Hotline.Api.Surveys;

public sealed record FrameRequest(string? Name, string? Description);

public sealed record FrameSummary(long Id, string Name, string? Description, int Revision, long Units, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record FrameCount(string? Value, long Units);

/// <summary>Units of one department × source cell, the usual stratum of an evaluation.</summary>
public sealed record FrameCell(string? Department, string Source, long Units);

public sealed record FrameDetail(FrameSummary Frame, IReadOnlyList<FrameCount> BySource, IReadOnlyList<FrameCount> ByDepartment,
    IReadOnlyList<FrameCount> ByCounty, IReadOnlyList<FrameCell> ByDepartmentAndSource, IReadOnlyList<ImportSummary> Imports);

public sealed record ImportIssueResponse(int Line, string Kind, string Field, string Code, string Reason, string? Number);

public sealed record ImportSummary(long Id, long FrameId, string Status, string Format, string? FileName, string? DefaultSource, int RecentDays,
    int Rows, int Accepted, int Bad, int Duplicates, int Excluded, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? DecidedAt, string? DecidedBy);

/// <summary>An import's report: what confirming would add, and the rows it would not (the first <see cref="SurveyStore.IssuesShown"/>).</summary>
public sealed record ImportPreviewResponse(ImportSummary Import, IReadOnlyList<ImportIssueResponse> Issues, bool IssuesTruncated);

public sealed record ImportConfirmation(ImportSummary Import, int Added, int ExcludedSincePreview);

/// <summary>The hotline's own callers as a frame source: citizens whose work orders match (热线直办类服务对象).</summary>
public sealed record CallerImportRequest(string? Department, string? Category, string? Kind, DateTimeOffset? From, DateTimeOffset? To,
    string? County, int? RecentDays);

public sealed record FrameUnitRequest(string? Number, string? County, string? Department, string? Category, string? Source);

public sealed record DoNotCallRequest(string? Number, string? Reason);

public sealed record DoNotCallEntry(string Number, string? Reason, DateTimeOffset AddedAt, string AddedBy);

public sealed record StratumTargetRequest(Dictionary<string, string?>? Values, int? Size);

/// <summary>A department's total split over the sources in the evaluation office's proportions.</summary>
public sealed record AllocationRequest(Dictionary<string, string?>? Values, int? Total, Dictionary<string, double>? Proportions);

public sealed record DrawRequest(long? Seed, List<string>? StratifyBy, List<StratumTargetRequest>? Targets, List<AllocationRequest>? Allocations,
    int? RecentDays);

public sealed record ReplacementRequest(string? Stratum, int? Size, long? Seed);

public sealed record DrawSummary(long Id, long FrameId, long? RootDrawId, int FrameRevision, long Seed, string SortOrder, int RecentDays,
    IReadOnlyList<string> StratifyBy, IReadOnlyList<StratumDraw> Strata, int Members, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record DrawMember(string Stratum, int Ordinal, string Number, string? County, string? Department, string? Category, string Source);

public sealed record DrawMembersResponse(long DrawId, int Total, IReadOnlyList<DrawMember> Members);

public sealed record QuestionnaireSummary(string Id, int LatestVersion, string Title, string DepartmentKind, DateTimeOffset UpdatedAt);

public sealed record QuestionnaireVersion(string Id, int Version, Questionnaire Questionnaire, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A questionnaire as a file: what <c>export</c> writes and <c>import</c> reads.</summary>
public sealed record QuestionnaireFile(string? Id, int? Version, Questionnaire? Questionnaire);
