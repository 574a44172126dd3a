using System.Text.RegularExpressions;

namespace Hotline.Knowledge;

/// <summary>An attachment (附件) of an article: stored content (base64 in the API) or a reference to where it lives.</summary>
/// <param name="Id">Set for an attachment already stored (kept as is on an edit); null for a new one.</param>
public sealed record AttachmentDraft(long? Id, string? Name, string? MediaType, byte[]? Content, string? Reference);

/// <summary>The content of one version of a knowledge article (知识条目), as an editor submits it.</summary>
/// <param name="Answer">The reference answer (答复口径) an agent may read out to the citizen.</param>
/// <param name="ValidFrom">The policy applies from (生效日期); null: at once.</param>
/// <param name="ValidUntil">The policy ends (失效日期): from then on the article is not suggested or found by agents.</param>
public sealed record ArticleDraft(
    string? Title,
    string? CategoryId,
    string? Answer,
    string? Body,
    IReadOnlyList<string>? Departments,
    IReadOnlyList<string>? Tags,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    IReadOnlyList<AttachmentDraft>? Attachments);

/// <summary>The rules an article's content must meet; each broken rule names its field (camelCase, as in the API).</summary>
public static partial class KnowledgeRules
{
    public const int MaxTitle = 200;
    public const int MaxAnswer = 4000;
    public const int MaxBody = 100_000;
    public const int MaxDepartments = 20;
    public const int MaxTags = 20;
    public const int MaxTag = 32;
    public const int MaxAttachments = 10;
    public const int MaxAttachmentName = 200;
    /// <summary>Stored content per attachment; larger files are referenced (a link to the document system), not stored.</summary>
    public const int MaxAttachmentBytes = 2 * 1024 * 1024;
    public const int MaxReference = 1000;
    public const int MaxSynonymTerms = 20;
    public const int MaxSynonymTerm = 32;

    /// <summary>Every broken rule of <paramref name="draft"/> as (field, message); empty when it may be saved.</summary>
    /// <param name="categoryExists">Whether a category id is in the tree.</param>
    /// <param name="departmentExists">Whether a department id is known.</param>
    public static IReadOnlyList<(string Field, string Message)> Check(ArticleDraft draft, Func<string, bool> categoryExists, Func<string, bool> departmentExists)
    {
        var errors = new List<(string, string)>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add((field, message));
        }

        Check(!string.IsNullOrWhiteSpace(draft.Title), "title", "Required.");
        Check((draft.Title?.Length ?? 0) <= MaxTitle, "title", $"At most {MaxTitle} characters.");
        if (string.IsNullOrWhiteSpace(draft.CategoryId)) errors.Add(("categoryId", "Required."));
        else Check(categoryExists(draft.CategoryId), "categoryId", $"Unknown category '{draft.CategoryId}'.");
        Check((draft.Answer?.Length ?? 0) <= MaxAnswer, "answer", $"At most {MaxAnswer} characters.");
        Check((draft.Body?.Length ?? 0) <= MaxBody, "body", $"At most {MaxBody} characters.");
        Check(!string.IsNullOrWhiteSpace(draft.Answer) || !string.IsNullOrWhiteSpace(draft.Body), "answer", "An answer or a body is required.");

        var departments = draft.Departments ?? [];
        Check(departments.Count <= MaxDepartments, "departments", $"At most {MaxDepartments}.");
        for (var i = 0; i < departments.Count; i++)
            Check(departments[i] is { Length: > 0 } d && departmentExists(d), $"departments[{i}]", $"Unknown department '{departments[i]}'.");

        var tags = draft.Tags ?? [];
        Check(tags.Count <= MaxTags, "tags", $"At most {MaxTags}.");
        for (var i = 0; i < tags.Count; i++)
            Check(tags[i] is { Length: > 0 and <= MaxTag } t && !string.IsNullOrWhiteSpace(t), $"tags[{i}]", $"1 to {MaxTag} characters.");

        Check(draft.ValidFrom is not { } from || draft.ValidUntil is not { } until || from < until, "validUntil", "Must be after validFrom.");

        var attachments = draft.Attachments ?? [];
        Check(attachments.Count <= MaxAttachments, "attachments", $"At most {MaxAttachments}.");
        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            var field = $"attachments[{i}]";
            if (a.Id is not null)
            {
                Check(a.Content is null && a.Reference is null, field, "A kept attachment (with an id) carries no new content or reference.");
                continue;
            }
            Check(a.Name is { Length: > 0 and <= MaxAttachmentName } name && !name.Contains('/') && !name.Contains('\\'),
                $"{field}.name", $"1 to {MaxAttachmentName} characters, no path.");
            Check(a.MediaType is { } type && MediaType().IsMatch(type), $"{field}.mediaType", "A media type such as application/pdf.");
            Check((a.Content is null) != (a.Reference is null), field, "Exactly one of content or reference.");
            Check(a.Content is not { Length: > MaxAttachmentBytes }, $"{field}.content", $"At most {MaxAttachmentBytes / 1024 / 1024} MiB; reference a larger file instead.");
            Check(a.Content is not { Length: 0 }, $"{field}.content", "Empty.");
            Check(a.Reference is null || (a.Reference.Length <= MaxReference && Uri.TryCreate(a.Reference, UriKind.Absolute, out var uri)
                && uri.Scheme is "http" or "https"), $"{field}.reference", "An http(s) address.");
        }
        return errors;
    }

    /// <summary>Whether an article with these dates applies at <paramref name="now"/>: an expired or not yet valid one is not suggested.</summary>
    public static bool IsCurrent(DateTimeOffset? validFrom, DateTimeOffset? validUntil, DateTimeOffset now) =>
        (validFrom is null || validFrom <= now) && (validUntil is null || now < validUntil);

    /// <summary>The checks on one synonym group (同义词组) an administrator maintains.</summary>
    public static IReadOnlyList<(string Field, string Message)> CheckSynonyms(IReadOnlyList<string>? terms)
    {
        var errors = new List<(string, string)>();
        var list = terms ?? [];
        if (list.Count is < 2 or > MaxSynonymTerms) errors.Add(("terms", $"2 to {MaxSynonymTerms} terms."));
        for (var i = 0; i < list.Count; i++)
            if (list[i] is not { Length: > 0 and <= MaxSynonymTerm } t || string.IsNullOrWhiteSpace(t))
                errors.Add(($"terms[{i}]", $"1 to {MaxSynonymTerm} characters."));
        if (list.Select(Normalize).Distinct(StringComparer.Ordinal).Count() != list.Count)
            errors.Add(("terms", "Each term once."));
        return errors;
    }

    /// <summary>The form terms are compared in: NFKC (full-width to half-width), trimmed, lower case.</summary>
    public static string Normalize(string? text) =>
        (text ?? "").Normalize(System.Text.NormalizationForm.FormKC).Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaType();
}
