using Hotline.Knowledge;

namespace Hotline.Tests.Knowledge;

public sealed class KnowledgeRulesTests
{
    private static readonly ArticleDraft Valid = new("住房公积金提取", "gjj", "可凭身份证办理。", null, ["housing"], ["提取"], null, null, []);

    private static IReadOnlyList<(string Field, string Message)> Check(ArticleDraft draft) =>
        KnowledgeRules.Check(draft, c => c == "gjj", d => d == "housing");

    [Fact]
    public void A_complete_draft_breaks_no_rule()
    {
        Assert.Empty(Check(Valid));
    }

    [Fact]
    public void Each_broken_rule_names_its_field()
    {
        var draft = Valid with
        {
            Title = " ",
            CategoryId = "nope",
            Departments = ["housing", "mars"],
            ValidFrom = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.FromHours(8)),
            ValidUntil = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(8)),
            Attachments = [new AttachmentDraft(null, "a.pdf", "pdf", new byte[KnowledgeRules.MaxAttachmentBytes + 1], null)],
        };

        var fields = Check(draft).Select(e => e.Field).ToList();

        Assert.Equal(["title", "categoryId", "departments[1]", "validUntil", "attachments[0].mediaType", "attachments[0].content"], fields);
    }

    [Fact]
    public void An_attachment_has_content_or_a_reference_but_not_both()
    {
        var both = Valid with { Attachments = [new AttachmentDraft(null, "a.pdf", "application/pdf", [1], "https://docs.example/a.pdf")] };
        var reference = Valid with { Attachments = [new AttachmentDraft(null, "a.pdf", "application/pdf", null, "https://docs.example/a.pdf")] };

        Assert.Equal(["attachments[0]"], Check(both).Select(e => e.Field));
        Assert.Empty(Check(reference));
    }

    [Fact]
    public void An_article_applies_from_its_start_until_just_before_its_end()
    {
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var until = from.AddDays(10);

        Assert.False(KnowledgeRules.IsCurrent(from, until, from.AddTicks(-1)));
        Assert.True(KnowledgeRules.IsCurrent(from, until, from));
        Assert.True(KnowledgeRules.IsCurrent(from, until, until.AddTicks(-1)));
        Assert.False(KnowledgeRules.IsCurrent(from, until, until));
        Assert.True(KnowledgeRules.IsCurrent(null, null, until));
    }

    [Fact]
    public void A_synonym_group_has_two_or_more_distinct_terms()
    {
        Assert.Equal(["terms"], KnowledgeRules.CheckSynonyms(["医保"]).Select(e => e.Field));
        Assert.Equal(["terms"], KnowledgeRules.CheckSynonyms(["医保", "医保 "]).Select(e => e.Field));
        Assert.Empty(KnowledgeRules.CheckSynonyms(["医保", "医疗保险"]));
    }
}
