using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Scenarios;
using Spectre.Console;

namespace Hotline.LoadTest.Knowledge;

/// <summary>
/// <c>knowledge</c>: knowledge search as an agent types, against a running API. Fills the knowledge base with
/// generated Chinese articles through the import route (published, in one category), then sends every prefix of a
/// list of typical questions (公, 公积, 公积金, 公积金提…) as <c>GET /api/knowledge?q=</c> from a few clients in a
/// closed loop and reports the latency seen by the client. Target: p99 ≤ 50 ms over 100,000 articles.
/// </summary>
public sealed class KnowledgeScenario : IScenario
{
    private static readonly string[] Questions =
    [
        "公积金提取", "住房公积金贷款", "医保报销", "异地就医备案", "社保转移", "养老金资格认证", "身份证补办", "落户条件", "护照办理",
        "港澳通行证签注", "交通违章处理", "驾驶证换证", "电动自行车上牌", "物业费投诉", "电梯维修", "噪声扰民", "油烟污染", "网购退货",
        "预付卡退费", "入学报名", "培训机构退费", "失业保险金", "公租房申请", "出生登记", "居住证办理",
    ];

    private static readonly string[] Subjects =
    [
        "住房公积金", "医疗保险", "养老保险", "失业保险", "居民身份证", "户口", "护照", "港澳通行证", "驾驶证", "电动自行车", "物业服务", "电梯",
        "噪声", "餐饮油烟", "网购商品", "预付卡", "义务教育", "校外培训", "公租房", "居住证", "出生医学证明", "不动产登记", "营业执照", "供水", "燃气",
    ];

    private static readonly string[] Actions =
    [
        "提取", "申请", "办理", "报销", "备案", "转移", "认证", "补领", "换领", "迁入", "登记", "投诉", "维修", "退费", "缴费", "查询", "变更", "注销",
    ];

    private static readonly string[] Phrases =
    [
        "申请人携带身份证到服务窗口办理", "可以通过政务服务网或手机App在线办理", "材料齐全的当场办结", "办理时限为五个工作日",
        "不收取任何费用", "对处理结果不满意的可以申请复核", "逾期未办理的按规定处理", "具体标准以主管部门公布为准", "咨询电话为12345",
        "符合条件的可以委托他人代办", "需要提供户口簿和居住证明", "按照相对就近原则安排", "经营者应当依法退还余款", "夜间施工须提前公告",
    ];

    public string Name => "knowledge";
    public string Summary => "knowledge search while typing, over N generated published articles: client-side latency, p99 target 50 ms";
    public string Usage => """
          --url <address>        the API (default http://localhost:5000)
          --job <jobNo>          an account with admin rights, to import (default 9000)
          --password <text>      its password (default: HOTLINE_DEMO_PASSWORD)
          --articles <n>         articles to have in the benchmark category (default 100000); 0 imports nothing
          --batch <n>            articles per import request (default 500)
          --queries <n>          searches to measure (default 20000), after 500 warm-up searches
          --clients <n>          concurrent searching clients, each waiting for its answer (default 2)
        """;

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var url = options.String("url", "http://localhost:5000")!;
        var job = options.String("job", "9000")!;
        var password = options.String("password", Environment.GetEnvironmentVariable("HOTLINE_DEMO_PASSWORD"))
            ?? throw new UsageException("--password or HOTLINE_DEMO_PASSWORD is needed to sign in.");
        var articles = options.Int("articles", 100_000, 0, 10_000_000);
        var batch = options.Int("batch", 500, 1, 500);
        var queries = options.Int("queries", 20_000, 1, 10_000_000);
        var clients = options.Int("clients", 2, 1, 256);
        options.EnsureAllRead();

        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = context.Time.GetUtcNow(),
            Machine = MachineInfo.Current(),
            Parameters = new() { ["url"] = url, ["articles"] = $"{articles}", ["queries"] = $"{queries}", ["clients"] = $"{clients}" },
        };
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { jobNumber = job, password }, cancellationToken);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await http.PostAsJsonAsync("/api/knowledge/categories", new { id = "bench", name = "基准测试" }, cancellationToken);
        var random = new Random(12345);
        for (var done = 0; done < articles; done += batch)
        {
            using var form = new MultipartFormDataContent();
            for (var i = done; i < Math.Min(articles, done + batch); i++)
                form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(Article(random, i))), "files", $"{i}.md");
            var response = await http.PostAsync("/api/knowledge/import?publish=true", form, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ScenarioFailedException($"import failed at article {done}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            AnsiConsole.MarkupLine($"[grey]knowledge[/] imported {Math.Min(articles, done + batch):#,0} of {articles:#,0}");
        }

        var prefixes = Questions.SelectMany(q => Enumerable.Range(1, q.Length).Select(n => q[..n])).ToArray();
        var latency = new Latency("us", 60_000_000);
        var failed = 0;
        var next = -500;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < queries && !cancellationToken.IsCancellationRequested; n = Interlocked.Increment(ref next))
            {
                var q = Uri.EscapeDataString(prefixes[(n + 500) % prefixes.Length]);
                var at = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/knowledge?q={q}&pageSize=20", cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
                else if (n >= 0) latency.Record((long)Stopwatch.GetElapsedTime(at).TotalMicroseconds);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var table = report.AddTable("Knowledge search while typing", "clients",
            $"{prefixes.Length} prefixes of {Questions.Length} questions, cycled; latencies in ms as the client sees them (HTTP included).");
        latency.AddTo(table.AddRow($"{clients}").Set("searches_per_second", Math.Round(queries / seconds)).Set("failed", failed), "ms", 1000);
        report.AddOperation("knowledge_search", latency, failed);
        var p99 = latency.Percentile(99) / 1000;
        report.Targets.Add(new TargetCheck("knowledge search p99", "≤ 50 ms", $"{p99.ToString("0.0", CultureInfo.InvariantCulture)} ms", p99 <= 50,
            p99 <= 50 ? "met" : "missed"));
        report.FinishedAt = context.Time.GetUtcNow();
        ConsoleTables.Show(table);
        return report;
    }

    /// <summary>A generated article: a subject and an action in the title, phrases in the answer and body.</summary>
    private static string Article(Random random, int i)
    {
        string Pick(string[] from) => from[random.Next(from.Length)];
        var subject = Pick(Subjects);
        var action = Pick(Actions);
        var answer = string.Join('，', Enumerable.Range(0, 3).Select(_ => Pick(Phrases))) + "。";
        var body = new StringBuilder();
        for (var p = 0; p < 8; p++) body.Append(Pick(Subjects)).Append(Pick(Actions)).Append('：').Append(Pick(Phrases)).Append("。\n");
        return $"---\ntitle: {subject}{action}指南（{i}）\ncategory: bench\nanswer: {answer}\n---\n{body}";
    }
}
