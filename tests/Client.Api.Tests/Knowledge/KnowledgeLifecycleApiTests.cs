using System.Net;
using System.Net.Http.Json;
using Npgsql;
using static Hotline.Tests.Knowledge.KnowledgeTestData;

namespace Hotline.Tests.Knowledge;

/// <summary>The article life cycle through the API, against real PostgreSQL: who may do what, versions, history.</summary>
public sealed class KnowledgeLifecycleApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_draft_is_reviewed_returned_revised_published_found_by_agents_and_gone_once_retired()
    {
        var admin = await api.SignedInAsync("9000");
        var editor = await api.SignedInAsync("6201");
        var reviewer = await api.SignedInAsync("6202");
        var agent = await api.SignedInAsync("1001");
        var (_, category) = await CategoriesAsync(admin);
        var find = $"q=公积金提取&category={category}";

        var id = await CreateAsync(editor, Article("住房公积金提取指南", category, "携带身份证到网点办理。", "购房、租房可以提取。", ["housing"]));
        Assert.Empty(Titles(await SearchAsync(agent, find)));
        await (await agent.GetAsync($"/api/knowledge/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "knowledge.not_found");

        await editor.PostOkAsync($"/api/knowledge/{id}/submit");
        await (await editor.PostAsJsonAsync($"/api/knowledge/{id}/publish", new { })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        var noReason = await (await reviewer.PostAsJsonAsync($"/api/knowledge/{id}/return", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var returned = await reviewer.PostOkAsync($"/api/knowledge/{id}/return", new { reason = "请补充线上办理渠道" });
        Assert.Equal("draft", returned.Str("status"));
        Assert.Equal("请补充线上办理渠道", returned.Str("reviewNote"));

        var edited = await (await editor.PutAsJsonAsync($"/api/knowledge/{id}", new
        {
            title = "住房公积金提取指南",
            categoryId = category,
            answer = "携带身份证到网点办理，或在公积金App线上提取。",
            body = "购房、租房可以提取。",
            departments = new[] { "housing" },
            baseVersion = 1,
        })).AssertOkAsync();
        Assert.Equal(2, edited.GetProperty("version").GetInt32());
        await (await editor.PutAsJsonAsync($"/api/knowledge/{id}", new { title = "过期的编辑", categoryId = category, answer = "x", baseVersion = 1 }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "knowledge.version_conflict");
        await editor.PostOkAsync($"/api/knowledge/{id}/submit");
        await (await editor.PutAsJsonAsync($"/api/knowledge/{id}", new { title = "审核中修改", categoryId = category, answer = "x" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "knowledge.invalid_transition");
        await reviewer.PostOkAsync($"/api/knowledge/{id}/publish");
        var again = await (await reviewer.PostAsJsonAsync($"/api/knowledge/{id}/publish", new { })).AssertProblemAsync(HttpStatusCode.Conflict, "knowledge.invalid_transition");
        Assert.Equal("published", again.Str("currentState"));

        var hit = Assert.Single((await SearchAsync(agent, find)).GetProperty("items").EnumerateArray());
        Assert.Equal(id, hit.GetProperty("id").GetInt64());
        Assert.Contains("<mark>", hit.Str("titleHtml"), StringComparison.Ordinal);
        Assert.Equal("携带身份证到网点办理，或在公积金App线上提取。", (await agent.GetOkAsync($"/api/knowledge/{id}")).Str("answer"));

        var versions = (await editor.GetOkAsync($"/api/knowledge/{id}/versions")).EnumerateArray().ToList();
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.True(versions[1].GetProperty("live").GetBoolean());
        Assert.Equal("携带身份证到网点办理。", (await editor.GetOkAsync($"/api/knowledge/{id}/versions/1")).Str("answer"));

        await reviewer.PostOkAsync($"/api/knowledge/{id}/retire", new { reason = "政策调整" });
        Assert.Empty(Titles(await SearchAsync(agent, find)));
        await (await agent.GetAsync($"/api/knowledge/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "knowledge.not_found");
        await (await reviewer.PostAsJsonAsync($"/api/knowledge/{id}/retire", new { })).AssertProblemAsync(HttpStatusCode.Conflict, "knowledge.invalid_transition");

        var history = (await editor.GetOkAsync($"/api/knowledge/{id}/history")).EnumerateArray()
            .Select(h => (h.Str("action"), h.Str("actor"), h.Str("toStatus"))).ToList();
        Assert.Equal(
        [
            ("create", "6201", "draft"), ("submit", "6201", "in_review"), ("return", "6202", "draft"), ("edit", "6201", "draft"),
            ("submit", "6201", "in_review"), ("publish", "6202", "published"), ("retire", "6202", "retired"),
        ], history);
    }

    [Fact]
    public async Task A_revision_of_a_published_article_leaves_the_published_version_live_until_it_is_published()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var (_, category) = await CategoriesAsync(admin);
        var id = await CreateAsync(admin, Article("护照办理", category, "旧口径"));
        await admin.PostOkAsync($"/api/knowledge/{id}/submit");
        await admin.PostOkAsync($"/api/knowledge/{id}/publish");

        await (await admin.PutAsJsonAsync($"/api/knowledge/{id}", Article("护照办理", category, "新口径"))).AssertOkAsync();

        Assert.Equal("旧口径", (await agent.GetOkAsync($"/api/knowledge/{id}")).Str("answer"));
        Assert.Equal("draft", (await admin.GetOkAsync($"/api/knowledge/{id}")).Str("status"));
        await admin.PostOkAsync($"/api/knowledge/{id}/submit");
        await admin.PostOkAsync($"/api/knowledge/{id}/publish");
        Assert.Equal("新口径", (await agent.GetOkAsync($"/api/knowledge/{id}")).Str("answer"));
    }

    [Fact]
    public async Task Agents_read_but_neither_draft_nor_see_drafts_and_bad_content_names_its_fields()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var editor = await api.SignedInAsync("6201");
        var (_, category) = await CategoriesAsync(admin);

        await (await agent.PostAsJsonAsync("/api/knowledge", Article("标题", category))).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await agent.GetAsync("/api/knowledge?drafts=true")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await editor.GetAsync("/api/tickets")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        var bad = await (await editor.PostAsJsonAsync("/api/knowledge", new
        {
            title = "",
            categoryId = "no-such",
            answer = "a",
            departments = new[] { "mars" },
            validFrom = "2026-05-01T00:00:00+08:00",
            validUntil = "2026-04-01T00:00:00+08:00",
            attachments = new[] { new { name = "a.pdf", mediaType = "application/pdf", content = "not base64!" } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var fields = bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "title", "categoryId", "departments[0]", "validUntil", "attachments[0].content" }, fields);

        await (await agent.GetAsync("/api/knowledge?category=no-such")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await agent.GetAsync("/api/knowledge?department=mars")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await agent.GetAsync("/api/knowledge?pageSize=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await agent.GetAsync("/api/knowledge/999999")).AssertProblemAsync(HttpStatusCode.NotFound, "knowledge.not_found");
    }

    [Fact]
    public async Task Every_knowledge_route_is_in_the_openapi_document_and_refuses_anonymous_callers()
    {
        var document = await api.Anonymous().GetOkAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/api/knowledge", StringComparison.Ordinal)).ToHashSet();

        Assert.Superset(paths, new HashSet<string>
        {
            "/api/knowledge", "/api/knowledge/suggest", "/api/knowledge/categories", "/api/knowledge/{id}", "/api/knowledge/{id}/submit",
            "/api/knowledge/{id}/withdraw", "/api/knowledge/{id}/return", "/api/knowledge/{id}/publish", "/api/knowledge/{id}/retire",
            "/api/knowledge/{id}/versions", "/api/knowledge/{id}/versions/{version}", "/api/knowledge/{id}/history",
            "/api/knowledge/{id}/feedback", "/api/knowledge/{id}/attachments/{attachmentId}", "/api/knowledge/import",
            "/api/knowledge/export", "/api/knowledge/synonyms", "/api/knowledge/synonyms/{groupId}", "/api/knowledge/categories/{categoryId}",
        });
        await (await api.Anonymous().GetAsync("/api/knowledge?q=公积金")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task The_history_is_append_only_in_the_database()
    {
        var admin = await api.SignedInAsync("9000");
        var (_, category) = await CategoriesAsync(admin);
        var id = await CreateAsync(admin, Article("历史", category));
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);

        await using var update = db.CreateCommand($"UPDATE knowledge_history SET actor = 'someone' WHERE article_id = {id}");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        await using var delete = db.CreateCommand($"DELETE FROM knowledge_history WHERE article_id = {id}");
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal("9000", (await admin.GetOkAsync($"/api/knowledge/{id}/history"))[0].Str("actor"));
    }

    [Fact]
    public async Task An_attachment_is_stored_with_its_version_and_served_to_agents_once_published()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var (_, category) = await CategoriesAsync(admin);
        var created = await (await admin.PostAsJsonAsync("/api/knowledge", new
        {
            title = "申请表下载",
            categoryId = category,
            answer = "见附件",
            attachments = new[] { new { name = "申请表.txt", mediaType = "text/plain", content = Convert.ToBase64String("表格内容"u8.ToArray()) } },
        })).AssertOkAsync();
        var id = created.GetProperty("id").GetInt64();
        var attachment = created.GetProperty("attachments")[0].GetProperty("id").GetInt64();

        await (await agent.GetAsync($"/api/knowledge/{id}/attachments/{attachment}")).AssertProblemAsync(HttpStatusCode.NotFound, "knowledge.attachment_not_found");
        await admin.PostOkAsync($"/api/knowledge/{id}/submit");
        await admin.PostOkAsync($"/api/knowledge/{id}/publish");

        var file = await agent.GetAsync($"/api/knowledge/{id}/attachments/{attachment}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("表格内容", await file.Content.ReadAsStringAsync());
    }
}
