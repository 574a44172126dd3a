using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>
/// Every route of the API host × every role and anonymous, against one table: a route that the table does not
/// classify fails the test, so a new route must say who may reach it. "Allowed" means the route's gate let the
/// caller through (any answer but 401 <c>auth.required</c> / 403 <c>auth.forbidden</c>); "refused" means exactly
/// that 401 for strangers and that 403 for signed-in staff.
/// </summary>
public sealed class AuthorizationMatrixTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Anonymous = "anonymous";
    private const string Agent = "agent", Supervisor = "supervisor", Dispatcher = "dispatcher", Department = "department",
        Admin = "admin", Auditor = "auditor", Integration = "integration",
        SurveyLead = "survey_lead", KnowledgeEditor = "knowledge_editor", KnowledgeReviewer = "knowledge_reviewer";

    /// <summary>The roles that work on calls and orders; survey leads and knowledge staff see no work orders.</summary>
    private static readonly string[] Casework = [Agent, Supervisor, Dispatcher, Department, Admin, Auditor, Integration];
    private static readonly string[] Staff = [.. Casework, SurveyLead, KnowledgeEditor, KnowledgeReviewer];
    private static readonly string[] SurveyReaders = [SurveyLead, Supervisor, Admin, Auditor];
    private static readonly string[] SurveyDesigners = [SurveyLead, Admin];
    private static readonly string[] CampaignReaders = [SurveyLead, Supervisor, Admin, Auditor, Dispatcher];
    private static readonly string[] CampaignRunners = [SurveyLead, Supervisor, Admin, Dispatcher];
    private static readonly string[] Interviewers = [Agent, Dispatcher, SurveyLead, Supervisor, Admin];
    private static readonly string[] VisitDesk = [Dispatcher, Supervisor, Admin];
    private static readonly string[] KnowledgeReaders = [Agent, Supervisor, Dispatcher, Department, Admin, Auditor, KnowledgeEditor, KnowledgeReviewer];
    private static readonly string[] KnowledgeWriters = [KnowledgeEditor, KnowledgeReviewer, Admin];
    /// <summary>Routes that take an integration's API key instead of a sign-in: without a key, everyone gets 401 integration.key_required.</summary>
    private static readonly string[] KeyOnly = ["api-key"];
    private static readonly string[] Anyone = [Anonymous, .. Staff];
    private static readonly string[] Principals = Anyone;
    private static readonly string[] TicketActors = [Agent, Dispatcher, Supervisor, Department, Admin];
    private static readonly string[] RecordingListeners = [Agent, Supervisor, Admin, Auditor];
    /// <summary>Reports and KPIs: supervisors and the centre's oversight (no separate director role).</summary>
    private static readonly string[] ReportReaders = [Supervisor, Admin, Auditor];

    /// <summary>One demo account per role; the department account is 住建局's (housing).</summary>
    internal static readonly Dictionary<string, string> JobNumbers = new()
    {
        [Agent] = "1001",
        [Supervisor] = "9001",
        [Dispatcher] = "8001",
        [Department] = "7001",
        [Admin] = "9000",
        [Auditor] = "9500",
        [Integration] = "9900",
        [SurveyLead] = "6001",
        [KnowledgeEditor] = "6201",
        [KnowledgeReviewer] = "6202",
    };

    /// <summary>Who may reach each route. <c>{jobNo}</c> is filled with the caller's own job number.</summary>
    internal static readonly Dictionary<string, string[]> Expected = Table(
    [
        ("POST /api/auth/login", Anyone),
        ("POST /api/auth/logout", Staff),
        ("GET /api/auth/me", Staff),
        ("POST /api/auth/password", Staff),

        ("GET /api/users", [Admin]),
        ("POST /api/users/{jobNo}", [Admin]),
        ("PUT /api/users/{jobNo}", [Admin]),
        ("POST /api/users/{jobNo}/unlock", [Admin]),
        ("POST /api/users/{jobNo}/disable", [Admin]),
        ("POST /api/users/{jobNo}/enable", [Admin]),

        ("GET /api/seats", [Supervisor, Admin, Auditor]),
        // The configured not-ready reasons: settings, no personal data.
        ("GET /api/seats/not-ready-reasons", Staff),
        ("GET /api/seats/{jobNo}", [Agent, Supervisor, Admin, Auditor]),
        .. SeatRoutes(["login", "ready", "not-ready", "logout", "wrap-up/done", "answer", "hangup", "hold", "unhold", "transfer",
            "help", "transfer/complete", "transfer/cancel", "conference", "conference/end"], [Agent, Supervisor]),
        .. SeatRoutes(["force-not-ready", "force-logout", "help/clear", "monitor", "whisper", "barge", "supervision/end"], [Supervisor, Admin]),

        // Counters and call ids, no caller numbers: load drivers (integration) and departments may watch them.
        ("GET /api/queues", Staff),
        ("GET /api/queues/{id}", Staff),
        ("PUT /api/queues/{id}", [Admin]),

        ("GET /api/calls", [Supervisor, Admin, Auditor]),
        ("GET /api/calls/{id}", [Agent, Supervisor, Admin, Auditor]),
        ("POST /api/calls", [Agent, Supervisor, Admin]),
        ("GET /api/calls/{id}/recordings", RecordingListeners),
        ("GET /api/recordings/{id}", RecordingListeners),

        // The voicemail work list (留言): the desks that call back work it; auditors read it with numbers masked.
        ("GET /api/voicemails", [Agent, Supervisor, Admin, Auditor]),
        ("GET /api/voicemails/count", [Agent, Supervisor, Admin, Auditor]),
        ("POST /api/voicemails/{callId}/handled", [Agent, Supervisor, Admin]),

        ("POST /api/sim/calls", [Supervisor, Admin, Integration]),
        ("POST /api/sim/calls/{id}/dtmf", [Supervisor, Admin, Integration]),
        ("POST /api/sim/calls/{id}/hangup", [Supervisor, Admin, Integration]),

        ("POST /api/tickets", [Agent, Dispatcher, Supervisor, Admin, Integration]),
        ("GET /api/tickets", Casework),
        ("GET /api/tickets/{number}", Casework),
        ("GET /api/tickets/{number}/history", Casework),
        ("GET /api/tickets/{number}/recordings", RecordingListeners),
        // The gate lets the ticket actors through; the ticket grain's life-cycle table then refuses a role that may not
        // take the action (403 auth.forbidden). With an empty body a refusal by validation (400) comes first, so for
        // actions that take a body the table below is the gate's, not the grain's.
        .. TicketActions(["dispatch", "return", "extend", "reply", "urge", "urge/schedule", "visit", "reopen", "merge"], TicketActors),
        .. TicketActions(["sign"], [Department, Admin]),
        .. TicketActions(["extend/approve", "extend/reject", "supervise", "close"], [Dispatcher, Supervisor, Department, Admin]),

        ("GET /api/departments", Staff),
        ("GET /api/departments/{id}", Casework),
        ("GET /api/departments/{id}/tickets", Casework),
        ("POST /api/departments/{id}", [Admin]),
        ("PUT /api/departments/{id}", [Admin]),
        ("GET /api/categories", Staff),
        ("GET /api/catalogue", Staff),
        ("PUT /api/catalogue", [Admin]),
        ("GET /api/calendar/{year:int}", Staff),
        ("PUT /api/calendar/{year:int}", [Admin]),

        ("GET /api/ivr/flow", [Supervisor, Admin]),
        ("PUT /api/ivr/flow", [Admin]),
        ("POST /api/ivr/flow/validate", [Supervisor, Admin]),
        ("GET /api/ivr/flow/versions", [Supervisor, Admin]),
        ("GET /api/ivr/flow/versions/{number:int}", [Supervisor, Admin]),
        ("GET /api/ivr/prompts", [Supervisor, Admin]),
        ("GET /api/ivr/polls/{pollId}", [Supervisor, Admin]),

        ("GET /api/public/tickets/{number}", Anyone),
        ("POST /api/public/tickets", Anyone),

        ("GET /api/events", Staff),

        // Surveys (调查): survey leads and admins design and draw; supervisors and auditors read.
        ("GET /api/surveys/frames", SurveyReaders),
        ("POST /api/surveys/frames", SurveyDesigners),
        ("GET /api/surveys/frames/{frameId:long}", SurveyReaders),
        ("POST /api/surveys/frames/{frameId:long}/imports", SurveyDesigners),
        ("POST /api/surveys/frames/{frameId:long}/imports/callers", SurveyDesigners),
        ("GET /api/surveys/frames/{frameId:long}/imports/{importId:long}", SurveyReaders),
        ("POST /api/surveys/frames/{frameId:long}/imports/{importId:long}/confirm", SurveyDesigners),
        ("POST /api/surveys/frames/{frameId:long}/imports/{importId:long}/discard", SurveyDesigners),
        ("POST /api/surveys/frames/{frameId:long}/units", SurveyDesigners),
        ("GET /api/surveys/do-not-call", SurveyReaders),
        ("POST /api/surveys/do-not-call", SurveyDesigners),
        ("DELETE /api/surveys/do-not-call/{number}", SurveyDesigners),
        ("GET /api/surveys/frames/{frameId:long}/draws", SurveyReaders),
        ("POST /api/surveys/frames/{frameId:long}/draws", SurveyDesigners),
        ("GET /api/surveys/draws/{drawId:long}", SurveyReaders),
        ("GET /api/surveys/draws/{drawId:long}/members", SurveyReaders),
        ("POST /api/surveys/draws/{drawId:long}/replacements", SurveyDesigners),
        ("GET /api/surveys/questionnaires", SurveyReaders),
        ("GET /api/surveys/questionnaires/{id}", SurveyReaders),
        ("POST /api/surveys/questionnaires/{id}/versions", SurveyDesigners),
        ("GET /api/surveys/questionnaires/{id}/versions/{version:int}", SurveyReaders),
        ("GET /api/surveys/questionnaires/{id}/versions/{version:int}/export", SurveyReaders),
        ("POST /api/surveys/questionnaires/import", SurveyDesigners),
        ("POST /api/surveys/questionnaires/{id}/versions/{version:int}/answers/check", SurveyReaders),
        ("GET /api/surveys/campaigns", CampaignReaders),
        ("POST /api/surveys/campaigns", SurveyDesigners),
        ("GET /api/surveys/campaigns/{id:long}", CampaignReaders),
        ("POST /api/surveys/campaigns/{id:long}/start", CampaignRunners),
        ("POST /api/surveys/campaigns/{id:long}/pause", CampaignRunners),
        ("GET /api/surveys/campaigns/{id:long}/cases", CampaignReaders),
        ("GET /api/surveys/campaigns/{id:long}/attempts", CampaignReaders),
        ("GET /api/surveys/interviews/current", Interviewers),
        ("GET /api/surveys/interviews/{callId}", Interviewers),
        ("PUT /api/surveys/interviews/{callId}/answers/{questionId}", Interviewers),
        ("POST /api/surveys/interviews/{callId}/disposition", Interviewers),
        ("POST /api/return-visits/campaigns", VisitDesk),
        ("GET /api/return-visits/satisfaction", CampaignReaders),

        // Knowledge base (知识库): every caseworker but integrations reads; editors and reviewers write (the life-cycle
        // table decides which command whose); admins keep synonyms and categories.
        ("GET /api/knowledge", KnowledgeReaders),
        ("POST /api/knowledge/suggest", KnowledgeReaders),
        ("GET /api/knowledge/categories", KnowledgeReaders),
        ("GET /api/knowledge/{id:long}", KnowledgeReaders),
        ("GET /api/knowledge/{id:long}/attachments/{attachmentId:long}", KnowledgeReaders),
        ("POST /api/knowledge/{id:long}/feedback", KnowledgeReaders),
        ("GET /api/knowledge/export", KnowledgeReaders),
        // Reviewers pass the gate, and the life-cycle table then refuses them a new draft (403): drafting is an editor's.
        ("POST /api/knowledge", [KnowledgeEditor, Admin]),
        ("PUT /api/knowledge/{id:long}", KnowledgeWriters),
        .. new[] { "submit", "withdraw", "return", "publish", "retire" }.Select(a => ($"POST /api/knowledge/{{id:long}}/{a}", KnowledgeWriters)),
        ("GET /api/knowledge/{id:long}/versions", KnowledgeWriters),
        ("GET /api/knowledge/{id:long}/versions/{version:int}", KnowledgeWriters),
        ("GET /api/knowledge/{id:long}/history", KnowledgeWriters),
        ("POST /api/knowledge/import", KnowledgeWriters),
        ("GET /api/knowledge/synonyms", KnowledgeWriters),
        ("POST /api/knowledge/synonyms", [Admin]),
        ("PUT /api/knowledge/synonyms/{groupId:long}", [Admin]),
        ("DELETE /api/knowledge/synonyms/{groupId:long}", [Admin]),
        ("POST /api/knowledge/categories", [Admin]),
        ("PUT /api/knowledge/categories/{categoryId}", [Admin]),

        .. new[] { "kpi", "calls", "volume", "volume/orders", "monthly", "hot-topics", "hot-topics/settings", "departments/weights" }
            .Select(r => ($"GET /api/reports/{r}", ReportReaders)),
        // Department staff see their own row and rank of the evaluation (the route filters).
        ("GET /api/reports/departments", [.. ReportReaders, Department]),
        ("PUT /api/reports/departments/weights", [Admin]),
        ("PUT /api/reports/hot-topics/settings", [Admin]),
        ("GET /reports/print", ReportReaders),

        // Integration keys are issued by admins; the partner API and Open311 take an API key instead of a bearer token,
        // so their gate lets everyone through and the key decides (their own tests cover keys and scopes).
        ("GET /api/integrations/keys", [Admin]),
        ("POST /api/integrations/keys", [Admin]),
        ("DELETE /api/integrations/keys/{keyId}", [Admin]),
        ("POST /api/partner/tickets", KeyOnly),
        ("GET /api/partner/tickets/{number}", KeyOnly),
        .. new[] { "GET /open311/v2/discovery", "GET /open311/v2/services", "GET /open311/v2/services/{code}", "GET /open311/v2/requests",
            "POST /open311/v2/requests", "GET /open311/v2/requests/{id}", "GET /open311/v2/tokens/{token}" }
            .Select(r => ($"{r}.{{format:regex(^(json|xml)$)}}", Anyone)),

        ("GET /api/audit", [Admin, Auditor]),
        ("GET /api/audit/export", [Admin, Auditor]),
        ("GET /api/audit/verify", [Admin, Auditor]),

        ("GET /health/live", Anyone),
        ("GET /health/ready", Anyone),
        ("GET /metrics", [Supervisor, Admin, Integration]),
        ("GET /openapi/{documentName}.json", Anyone),
        ("GET /api/docs/{documentName?}", Anyone),
        ("GET /api/docs/favicon.svg", Anyone),
        ("GET /api/docs/scalar.aspnetcore.js", Anyone),
        ("GET /api/docs/scalar.js", Anyone),

        ("POST /ui/logout", Anyone),
        ("GET /ui/lang/{lang}", Anyone),
    ]);

    /// <summary>
    /// The UI's pages answer anyone at the HTTP level (a stranger is shown the sign-in page); the page's own
    /// <c>[Authorize(Roles)]</c> decides, so the table names those roles.
    /// </summary>
    internal static readonly Dictionary<string, string[]> Pages = new()
    {
        ["/"] = Anyone,
        ["/login"] = Anyone,
        ["/not-found"] = Anyone,
        ["/portal"] = Anyone,
        ["/desk"] = [Agent],
        ["/wall"] = [Supervisor, Admin, Auditor],
        ["/voicemail"] = [Agent, Supervisor, Admin, Auditor],
        ["/dispatch"] = [Dispatcher, Supervisor, Admin],
        ["/visits"] = [Dispatcher, Supervisor, Admin],
        ["/inbox"] = [Department],
        ["/admin"] = [Admin],
        ["/admin/{Section}"] = [Admin],
        ["/audit"] = [Admin, Auditor],
        ["/surveys"] = SurveyReaders,
        ["/campaigns"] = CampaignReaders,
        ["/interview"] = Interviewers,
        ["/knowledge"] = KnowledgeReaders,
        ["/integrations"] = [Admin],
        ["/reports"] = ReportReaders,
    };

    private static Dictionary<string, string[]> Table((string Route, string[] Roles)[] rows) =>
        rows.ToDictionary(r => r.Route, r => r.Roles);

    private static IEnumerable<(string, string[])> SeatRoutes(string[] actions, string[] roles) =>
        actions.Select(a => ($"POST /api/seats/{{jobNo}}/{a}", roles));

    private static IEnumerable<(string, string[])> TicketActions(string[] actions, string[] roles) =>
        actions.Select(a => ($"POST /api/tickets/{{number}}/{a}", roles));

    [Fact]
    public void Every_route_of_the_host_has_an_entry_in_the_table_and_every_entry_is_a_route()
    {
        var routes = ApiRoutes().Select(r => r.Key).ToHashSet();
        var pages = PageRoutes().Select(p => p.Pattern).ToHashSet();

        var unclassified = routes.Where(r => !Expected.ContainsKey(r)).Order().ToList();
        var stale = Expected.Keys.Where(k => !routes.Contains(k)).Order().ToList();
        Assert.True(unclassified.Count == 0, "routes without an entry in Expected: " + string.Join(", ", unclassified));
        Assert.True(stale.Count == 0, "entries for routes that do not exist: " + string.Join(", ", stale));
        var unclassifiedPages = pages.Where(p => !Pages.ContainsKey(p)).Order().ToList();
        Assert.True(unclassifiedPages.Count == 0, "pages without an entry in Pages: " + string.Join(", ", unclassifiedPages));
    }

    [Fact]
    public async Task Every_route_lets_exactly_its_roles_through_and_refuses_everyone_else()
    {
        var clients = new Dictionary<string, HttpClient> { [Anonymous] = api.Anonymous() };
        foreach (var (role, jobNo) in JobNumbers) clients[role] = await api.SignedInAsync(jobNo);
        var ticket = (await clients[Agent].RegisterAsync()).Str("number");

        var wrong = new List<string>();
        foreach (var (key, method, pattern) in ApiRoutes().OrderBy(r => r.Key.Contains("/logout", StringComparison.Ordinal)))
        {
            if (!Expected.TryGetValue(key, out var allowed)) continue; // the test above names it
            foreach (var principal in Principals)
            {
                var client = key == "POST /api/auth/logout" && principal != Anonymous
                    ? await api.SignedInAsync(JobNumbers[principal])
                    : clients[principal];
                var url = Fill(pattern, principal, ticket);
                var (status, code) = await SendAsync(client, method, url);
                if (allowed == KeyOnly)
                {
                    if (status != HttpStatusCode.Unauthorized || code != "integration.key_required")
                        wrong.Add($"{key} as {principal}: expected 401 integration.key_required without a key, got {(int)status} {code}");
                    continue;
                }
                var refused = principal == Anonymous
                    ? status == HttpStatusCode.Unauthorized && code == "auth.required"
                    : status == HttpStatusCode.Forbidden && code == "auth.forbidden";
                var gateAnswer = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                if (allowed.Contains(principal) && gateAnswer)
                    wrong.Add($"{key} as {principal}: expected through, got {(int)status} {code}");
                else if (!allowed.Contains(principal) && !refused)
                    wrong.Add($"{key} as {principal}: expected refusal, got {(int)status} {code}");
                if ((int)status >= 500) wrong.Add($"{key} as {principal}: {(int)status} {code}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} cells differ from the table:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_page_names_exactly_its_roles()
    {
        var wrong = new List<string>();
        foreach (var (pattern, authorize) in PageRoutes())
        {
            if (!Pages.TryGetValue(pattern, out var expected)) continue;
            string[] actual = authorize is null ? Anyone
                : authorize.Roles is { } roles ? roles.Split(',', StringSplitOptions.TrimEntries).Order().ToArray()
                : Staff;
            if (!actual.Order().SequenceEqual(expected.Order()))
                wrong.Add($"{pattern}: page allows [{string.Join(", ", actual.Order())}], table says [{string.Join(", ", expected.Order())}]");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>Every route endpoint except the UI's pages, Blazor's own hub and the static files.</summary>
    private IEnumerable<(string Key, string Method, string Pattern)> ApiRoutes()
    {
        var sources = api.Factory.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (IsFrameworkPlumbing(endpoint, pattern)) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods) yield return ($"{method} {pattern}", method, pattern);
        }
    }

    private IEnumerable<(string Pattern, AuthorizeAttribute? Authorize)> PageRoutes()
    {
        var sources = api.Factory.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null) continue;
            yield return ("/" + endpoint.RoutePattern.RawText!.TrimStart('/'), endpoint.Metadata.GetMetadata<AuthorizeAttribute>());
        }
    }

    /// <summary>Blazor's circuit hub and the static files: anonymous by design, carrying no data of their own.</summary>
    private static bool IsFrameworkPlumbing(RouteEndpoint endpoint, string pattern) =>
        endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
        || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
        || pattern.StartsWith("/_framework", StringComparison.Ordinal)
        || pattern == "/{**path:file}"
        || endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor")
        || endpoint.DisplayName?.StartsWith("Blazor", StringComparison.Ordinal) == true;

    internal static string Fill(string pattern, string principal, string ticket) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(?<name>[A-Za-z]+)(:[^}]+)?\??\}", m => m.Groups["name"].Value switch
        {
            "jobNo" => principal == Anonymous ? JobNumbers[Agent] : JobNumbers[principal],
            "id" when pattern.StartsWith("/api/knowledge", StringComparison.Ordinal) => "999999",
            "id" when pattern.StartsWith("/api/surveys/campaigns", StringComparison.Ordinal) => "999999",
            "callId" or "questionId" => "matrix-unknown-1",
            "frameId" or "importId" or "drawId" or "attachmentId" or "groupId" => "999999",
            "version" => "1",
            "categoryId" or "keyId" or "code" or "token" or "callId" => "matrix-unknown-1",
            "format" => "json",
            "number" when pattern.Contains("do-not-call", StringComparison.Ordinal) => "13800000000",
            "id" when pattern.StartsWith("/api/departments", StringComparison.Ordinal) => "housing",
            "id" when pattern.StartsWith("/api/queues", StringComparison.Ordinal) => "general",
            "id" => "matrix-unknown-1",
            "number" when pattern.Contains("versions", StringComparison.Ordinal) => "1",
            "number" => ticket,
            "year" => "2026",
            "lang" => "en",
            "pollId" => "poll-1",
            "documentName" => "v1",
            var other => throw new InvalidOperationException($"no test value for route parameter {{{other}}} in {pattern}"),
        });

    private static async Task<(HttpStatusCode Status, string? Code)> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        // A body of the type the route takes: routing answers 415 for another type before the gate is asked.
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = url.EndsWith("/imports", StringComparison.Ordinal) ? new StringContent("number\n", Encoding.UTF8, "text/csv")
                : url.EndsWith("/knowledge/import", StringComparison.Ordinal) ? new MultipartFormDataContent()
                : new StringContent("{}", Encoding.UTF8, "application/json");
        // The event stream never ends: its headers are the answer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            if (body.TryGetProperty("code", out var c)) code = c.GetString();
        }
        return (response.StatusCode, code);
    }
}
