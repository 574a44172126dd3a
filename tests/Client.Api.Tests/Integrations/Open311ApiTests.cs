using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Hotline.Tests.Integrations.Open311Node;

namespace Hotline.Tests.Integrations;

/// <summary>Open311 GeoReport v2 through the real API, database and grains, every resource in both formats.</summary>
public sealed class Open311ApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Phone = "13655556666";
    private const string Email = "li.si@example.cn";
    private const string Words = "路灯已经坏了一周，晚上很黑，请尽快修理";

    private static Dictionary<string, string> Form(string key, string serviceCode = "traffic", params (string Name, string Value)[] extra)
    {
        var form = new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["jurisdiction_id"] = "12345.hotline.local",
            ["service_code"] = serviceCode,
            ["lat"] = "32.0603",
            ["long"] = "118.7969",
            ["address_string"] = "学府路与文昌路口",
            ["email"] = Email,
            ["device_id"] = "device-7",
            ["account_id"] = "acct-42",
            ["first_name"] = "四",
            ["last_name"] = "李",
            ["phone"] = Phone,
            ["description"] = Words,
            ["media_url"] = "https://photos.example.cn/lamp.jpg",
            ["attribute[kind]"] = "help",
            ["attribute[district]"] = "玄武区",
        };
        foreach (var (name, value) in extra)
        {
            if (value.Length == 0) form.Remove(name);
            else form[name] = value;
        }
        return form;
    }

    private async Task<(HttpStatusCode Status, Open311Node Body, string Text)> GetAsync(string path, string format) =>
        await ReadAsync(await api.Anonymous().GetAsync($"/open311/v2/{path.Replace("{f}", format)}"), format);

    private async Task<(HttpStatusCode Status, Open311Node Body, string Text)> PostAsync(Dictionary<string, string> form, string format) =>
        await ReadAsync(await api.Anonymous().PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(form)), format);

    private async Task<string> KeyAsync(params string[] scopes)
    {
        var admin = await api.SignedInAsync("9000");
        var created = await admin.PostOkAsync("/api/integrations/keys",
            new { account = "9900", name = "open311 test", scopes = scopes.Length == 0 ? ["open311:write"] : scopes, ratePerMinute = 1000 });
        return created.Str("key");
    }

    private async Task<(long Tickets, long Requests)> CountAsync()
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM open311_requests)");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, Open311Node Body, string Text) response, string mentions)
    {
        Assert.True(expected == response.Status, $"expected {(int)expected}, got {(int)response.Status}: {response.Text}");
        var errors = Assert.IsType<Items>(response.Body).Objects;
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(Open311Spec.Error, e.Names));
        Assert.All(errors, e => Assert.Equal(((int)expected).ToString(), e.Text("code")));
        Assert.Contains(errors, e => e.Text("description")!.Contains(mentions, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Discovery_names_the_v2_endpoint_with_both_formats(string format)
    {
        var (status, body, _) = await GetAsync("discovery.{f}", format);

        Assert.Equal(HttpStatusCode.OK, status);
        var discovery = Assert.IsType<Obj>(body);
        Assert.Equal(Open311Spec.Discovery, discovery.Names);
        var endpoint = Assert.Single(Assert.IsType<Items>(discovery["endpoints"]).Objects);
        Assert.Equal(Open311Spec.Endpoint, endpoint.Names);
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.Text("specification"));
        Assert.EndsWith("/open311/v2", endpoint.Text("url"));
        Assert.Equal(["text/xml", "application/json"], Assert.IsType<Items>(endpoint["formats"]).Values.Select(v => ((Leaf)v).Value));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Services_are_the_leaf_categories_with_the_spec_fields(string format)
    {
        var (status, body, _) = await GetAsync("services.{f}", format);

        Assert.Equal(HttpStatusCode.OK, status);
        var services = Assert.IsType<Items>(body).Objects;
        Assert.All(services, s => Assert.Equal(Open311Spec.Service, s.Names));
        Assert.Equal(
            ["housing-fund", "social-insurance", "housing", "education", "traffic", "consumer", "environment", "public-safety"],
            services.Select(s => s.Text("service_code")));
        var fund = services[0];
        Assert.Equal(("公积金", "民生保障", "true", "realtime"), (fund.Text("service_name"), fund.Text("group"), fund.Text("metadata"), fund.Text("type")));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task A_service_definition_lists_the_kind_and_district_attributes_and_an_unknown_code_is_a_404(string format)
    {
        var (status, body, _) = await GetAsync("services/traffic.{f}", format);

        Assert.Equal(HttpStatusCode.OK, status);
        var definition = Assert.IsType<Obj>(body);
        Assert.Equal(Open311Spec.Definition, definition.Names);
        Assert.Equal("traffic", definition.Text("service_code"));
        var attributes = Assert.IsType<Items>(definition["attributes"]).Objects;
        Assert.All(attributes, a => Assert.Equal(Open311Spec.Attribute, a.Names));
        Assert.Equal(["kind", "district"], attributes.Select(a => a.Text("code")));
        Assert.Equal(["singlevaluelist", "string"], attributes.Select(a => a.Text("datatype")));
        var kinds = Assert.IsType<Items>(attributes[0]["values"]).Objects;
        Assert.All(kinds, v => Assert.Equal(Open311Spec.Value, v.Names));
        Assert.Equal(["help", "consultation", "complaint", "report", "suggestion", "praise"], kinds.Select(v => v.Text("key")));

        AssertError(HttpStatusCode.NotFound, await GetAsync("services/potholes.{f}", format), "service_code");
        // A group is not a service: requests are filed under its leaves.
        AssertError(HttpStatusCode.NotFound, await GetAsync("services/livelihood.{f}", format), "service_code");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task A_posted_request_becomes_an_open311_work_order_and_reads_back_without_personal_data(string format)
    {
        var key = await KeyAsync();

        var (status, body, text) = await PostAsync(Form(key), format);

        Assert.True(status == HttpStatusCode.Created, text);
        var created = Assert.Single(Assert.IsType<Items>(body).Objects);
        Assert.Equal(Open311Spec.Created, created.Names);
        Assert.Equal("acct-42", created.Text("account_id"));
        var number = created.Text("service_request_id")!;
        Assert.Contains(number, created.Text("service_notice"));

        var staff = await (await api.SignedInAsync("8001")).GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(("open311", "9900", "traffic", "help"), (staff.Str("channel"), staff.Str("createdBy"), staff.Str("category"), staff.Str("kind")));
        Assert.Equal((Phone, "四 李"), (staff.GetProperty("caller").Str("phone"), staff.GetProperty("caller").Str("name")));
        Assert.Equal((Words, "玄武区"), (staff.Str("content"), staff.Str("district")));

        foreach (var path in new[] { $"requests/{number}.{{f}}", $"requests.{{f}}?service_request_id={number}" })
        {
            var (readStatus, read, readText) = await GetAsync(path, format);
            Assert.Equal(HttpStatusCode.OK, readStatus);
            var request = Assert.Single(Assert.IsType<Items>(read).Objects);
            Assert.Equal(Open311Spec.Request, request.Names);
            Assert.Equal((number, "open", "traffic", "交通"),
                (request.Text("service_request_id"), request.Text("status"), request.Text("service_code"), request.Text("service_name")));
            Assert.Equal(("32.0603", "118.7969", "https://photos.example.cn/lamp.jpg"),
                (request.Text("lat"), request.Text("long"), request.Text("media_url")));
            Assert.Null(request.Text("description"));
            Assert.Null(request.Text("address"));
            Assert.Null(request.Text("agency_responsible"));
            Assert.Contains("Registered", request.Text("status_notes"));
            Assert.Equal(DateTimeOffset.Parse(staff.GetProperty("deadlines").Str("reply")), DateTimeOffset.Parse(request.Text("expected_datetime")!));
            foreach (var personal in new[] { "李", "四", "学府路", Phone, Phone[^4..], Email, "device-7", "acct-42", Words[..6] })
                Assert.DoesNotContain(personal, readText);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Refused_posts_answer_in_the_spec_error_shape_and_create_nothing(string format)
    {
        var key = await KeyAsync();
        var readOnly = await KeyAsync("tickets:read");
        var before = await CountAsync();

        AssertError(HttpStatusCode.Forbidden, await PostAsync(Form(key, extra: ("api_key", "")), format), "api_key");
        AssertError(HttpStatusCode.Forbidden, await PostAsync(Form("hk_0123456789ab_notarealkeyatallnotarealkeyatall"), format), "api_key");
        AssertError(HttpStatusCode.Forbidden, await PostAsync(Form(readOnly), format), "api_key");
        AssertError(HttpStatusCode.NotFound, await PostAsync(Form(key, extra: ("jurisdiction_id", "beijing")), format), "jurisdiction_id");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, "potholes"), format), "service_code");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, ""), format), "service_code");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("attribute[kind]", "rant")), format), "attribute[kind]");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("attribute[colour]", "red")), format), "attribute[colour]");
        AssertError(HttpStatusCode.BadRequest,
            await PostAsync(Form(key, extra: [("lat", ""), ("long", ""), ("address_string", "")]), format), "address_string");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("lat", "123")), format), "lat");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("description", "")), format), "description");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("phone", "call me")), format), "phone");
        AssertError(HttpStatusCode.BadRequest, await PostAsync(Form(key, extra: ("media_url", "file:///etc/passwd")), format), "media_url");

        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Bad_dates_statuses_and_unknown_ids_are_refused_in_the_spec_error_shape(string format)
    {
        AssertError(HttpStatusCode.BadRequest, await GetAsync("requests.{f}?start_date=yesterday", format), "start_date");
        AssertError(HttpStatusCode.BadRequest, await GetAsync("requests.{f}?end_date=2026-11-23T09:30:00", format), "end_date");
        AssertError(HttpStatusCode.BadRequest,
            await GetAsync("requests.{f}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", format), "90 days");
        AssertError(HttpStatusCode.BadRequest,
            await GetAsync("requests.{f}?start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", format), "end_date");
        AssertError(HttpStatusCode.BadRequest, await GetAsync("requests.{f}?status=pending", format), "status");
        AssertError(HttpStatusCode.NotFound, await GetAsync("requests.{f}?jurisdiction_id=beijing", format), "jurisdiction_id");
        AssertError(HttpStatusCode.NotFound, await GetAsync("requests/12345678.{f}", format), "service_request_id");
        AssertError(HttpStatusCode.NotFound, await GetAsync("tokens/nosuchtoken.{f}", format), "token");
    }

    [Fact]
    public async Task The_request_list_filters_by_id_service_status_and_date_window()
    {
        var key = await KeyAsync();
        var traffic = Assert.Single(Assert.IsType<Items>((await PostAsync(Form(key), "json")).Body).Objects).Text("service_request_id")!;
        var education = Assert.Single(Assert.IsType<Items>((await PostAsync(Form(key, "education"), "json")).Body).Objects).Text("service_request_id")!;
        var dispatcher = await api.SignedInAsync("8001");
        await dispatcher.PostOkAsync($"/api/tickets/{education}/dispatch", new { lead = "education" });
        var department = await api.SignedInAsync("7003");
        await department.PostOkAsync($"/api/tickets/{education}/sign");
        await department.PostOkAsync($"/api/tickets/{education}/reply", new { text = "已修复。" });
        await dispatcher.PostOkAsync($"/api/tickets/{education}/close");

        async Task<string[]> Ids(string query) =>
            Assert.IsType<Items>((await GetAsync($"requests.{{f}}{query}", "json")).Body).Objects.Select(o => o.Text("service_request_id")!).ToArray();

        Assert.Equal([traffic, education], (await Ids($"?service_request_id={traffic},{education}")).Order());
        var recent = await Ids("");
        Assert.Contains(traffic, recent);
        Assert.Contains(education, recent);
        Assert.DoesNotContain(education, await Ids("?service_code=traffic"));
        Assert.Contains(traffic, await Ids("?service_code=traffic&status=open"));
        Assert.DoesNotContain(traffic, await Ids("?status=closed"));
        Assert.Contains(education, await Ids("?status=closed"));
        Assert.Empty(await Ids("?end_date=2020-01-01T00:00:00Z"));
        var closed = Assert.Single(Assert.IsType<Items>((await GetAsync($"requests/{education}.{{f}}", "xml")).Body).Objects);
        Assert.Equal(("closed", "教育局"), (closed.Text("status"), closed.Text("agency_responsible")));
        Assert.Null(closed.Text("expected_datetime"));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task An_asynchronous_post_answers_with_a_token_that_later_gives_the_request_id(string format)
    {
        var asynchronous = await api.HostWithAsync(("Hotline:Open311:Asynchronous", "true"));
        var key = await KeyAsync();

        var response = await asynchronous.CreateClient().PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(Form(key)));
        var (status, body, text) = await ReadAsync(response, format);

        Assert.True(status == HttpStatusCode.Accepted, text);
        var accepted = Assert.Single(Assert.IsType<Items>(body).Objects);
        Assert.Equal(Open311Spec.Accepted, accepted.Names);
        var token = accepted.Text("token")!;
        // Whoever gets to it first (the background worker or this call) registers it once; both see the same number.
        var number = await asynchronous.Services.GetRequiredService<Hotline.Api.Open311.Open311Worker>().CreateAsync(token, CancellationToken.None);

        var (tokenStatus, read, _) = await GetAsync($"tokens/{token}.{{f}}", format);
        Assert.Equal(HttpStatusCode.OK, tokenStatus);
        var resolved = Assert.Single(Assert.IsType<Items>(read).Objects);
        Assert.Equal(Open311Spec.Token, resolved.Names);
        Assert.Equal((number, token), (resolved.Text("service_request_id"), resolved.Text("token")));
        Assert.Equal("open311", (await (await api.SignedInAsync("8001")).GetOkAsync($"/api/tickets/{number}")).Str("channel"));
    }

    [Fact]
    public async Task Open311_has_its_own_budget_per_address_and_refuses_beyond_it_in_the_spec_shape()
    {
        var limited = (await api.HostWithAsync(("Hotline:Open311:RequestsPerMinute", "2"))).CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/open311/v2/discovery.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/open311/v2/services.json")).StatusCode);
        var refused = await limited.GetAsync("/open311/v2/services.xml");

        AssertError(HttpStatusCode.TooManyRequests, await ReadAsync(refused, "xml"), "Too many requests");
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Every_open311_integration_and_partner_route_is_in_the_openapi_document()
    {
        var paths = (await api.Anonymous().GetOkAsync("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[]
        {
            "/open311/v2/discovery.{format}", "/open311/v2/services.{format}", "/open311/v2/services/{code}.{format}",
            "/open311/v2/requests.{format}", "/open311/v2/requests/{id}.{format}", "/open311/v2/tokens/{token}.{format}",
            "/api/integrations/keys", "/api/integrations/keys/{keyId}", "/api/partner/tickets", "/api/partner/tickets/{number}",
        })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        Assert.True(paths.GetProperty("/open311/v2/requests.{format}").TryGetProperty("post", out _));
    }
}
