using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Hotline.Tests.Knowledge;

internal static class KnowledgeTestData
{
    /// <summary>A fresh category under a fresh root, so a test's articles are alone in their subtree whatever the demo seeded.</summary>
    public static async Task<(string Root, string Child)> CategoriesAsync(HttpClient admin)
    {
        var root = "t" + Guid.NewGuid().ToString("N")[..10];
        await admin.PostOkAsync("/api/knowledge/categories", new { id = root, name = "测试" });
        await admin.PostOkAsync("/api/knowledge/categories", new { id = root + "-a", parentId = root, name = "测试子类" });
        return (root, root + "-a");
    }

    public static string Markdown(string title, string category, string answer, string body, string departments = "[]", string extra = "") =>
        $"---\ntitle: {title}\ncategory: {category}\ndepartments: {departments}\ntags: []\n{extra}answer: {answer}\n---\n{body}\n";

    /// <summary>Imports Markdown files (name, text) as one multipart request.</summary>
    public static async Task<HttpResponseMessage> ImportAsync(HttpClient client, bool publish, params (string Name, string Text)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, text) in files)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
            form.Add(content, "files", name);
        }
        return await client.PostAsync($"/api/knowledge/import?publish={(publish ? "true" : "false")}", form);
    }

    public static async Task<JsonElement> SearchAsync(HttpClient client, string query) =>
        await client.GetOkAsync("/api/knowledge?" + query);

    public static List<string> Titles(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.Str("title")).ToList();

    public static object Article(string title, string category, string answer = "参考答复", string body = "正文", string[]? departments = null) =>
        new { title, categoryId = category, answer, body, departments = departments ?? [], tags = Array.Empty<string>() };

    public static async Task<long> CreateAsync(HttpClient editor, object article)
    {
        var response = await editor.PostAsJsonAsync("/api/knowledge", article);
        return (await response.AssertOkAsync()).GetProperty("id").GetInt64();
    }
}
