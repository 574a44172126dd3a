using Hotline.Api.Integrations;
using Hotline.Api.Open311;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Integrations;

/// <summary>The plain decisions behind keys and Open311, without a host.</summary>
public sealed class IntegrationUnitTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public void A_generated_key_carries_its_id_and_only_the_whole_key_matches_its_hash()
    {
        var (keyId, key) = ApiKeyFormat.Generate();

        Assert.True(ApiKeyFormat.TryGetKeyId(key, out var parsed));
        Assert.Equal(keyId, parsed);
        var hash = ApiKeyFormat.Hash(key);
        Assert.True(ApiKeyFormat.Matches(key, hash));
        Assert.False(ApiKeyFormat.Matches(key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), hash));
        Assert.False(ApiKeyFormat.TryGetKeyId("hk_XYZ_secret-secret-secret", out _));
        Assert.False(ApiKeyFormat.TryGetKeyId(null, out _));
    }

    [Fact]
    public void A_key_gets_its_rate_per_minute_and_the_next_window_starts_afresh()
    {
        var time = new FakeTimeProvider(Now);
        var limiter = new KeyRateLimiter(time);

        Assert.Null(limiter.TryAcquire("k1", 2));
        Assert.Null(limiter.TryAcquire("k1", 2));
        Assert.Equal(TimeSpan.FromSeconds(30), limiter.TryAcquire("k1", 2));
        Assert.Null(limiter.TryAcquire("k2", 2));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(limiter.TryAcquire("k1", 2));
    }

    [Fact]
    public void Without_dates_the_list_covers_the_last_90_days_and_one_date_sets_the_other()
    {
        var (all, _) = Open311Query.Parse(null, null, null, null, null, Now);
        Assert.Equal((Now.AddDays(-90), Now, 1000), (all!.From, all.To, all.Limit));

        var (fromStart, _) = Open311Query.Parse(null, null, "2026-01-01T00:00:00+08:00", null, null, Now);
        Assert.Equal(fromStart!.From.AddDays(90), fromStart.To);

        var (toEnd, _) = Open311Query.Parse(null, null, null, "2026-06-01T00:00:00Z", null, Now);
        Assert.Equal(toEnd!.To.AddDays(-90), toEnd.From);
    }

    [Fact]
    public void Open_and_closed_map_onto_the_life_cycle_and_ids_override_every_other_parameter()
    {
        var (open, _) = Open311Query.Parse(null, "traffic", null, null, "open", Now);
        Assert.Equal(["registered", "dispatched", "signed", "returned", "replied", "reopened"], open!.Statuses);
        Assert.Equal("closed", Open311Query.StatusOf("merged"));
        Assert.Equal("open", Open311Query.StatusOf("replied"));

        var number = Hotline.Tickets.TicketNumber.Format(1_234_567);
        var (byId, _) = Open311Query.Parse($"{number}, {number}", "traffic", null, null, "closed", Now);
        Assert.Equal([number], byId!.Numbers);
        Assert.Equal((null, 0), (byId.ServiceCode, byId.Statuses.Count));
        Assert.Contains("service_request_id", Assert.Single(Open311Query.Parse("12x", null, null, null, null, Now).Errors));
    }

    [Theory]
    [InlineData("2026-01-01", null, "start_date")]
    [InlineData(null, "2026-01-01T00:00:00", "end_date")]
    [InlineData("2026-01-01T00:00:00Z", "2026-04-02T00:00:00Z", "90 days")]
    [InlineData("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", "end_date")]
    public void Dates_without_an_offset_out_of_order_or_too_far_apart_are_refused(string? start, string? end, string mentions)
    {
        var (filter, errors) = Open311Query.Parse(null, null, start, end, null, Now);

        Assert.Null(filter);
        Assert.Contains(errors, e => e.Contains(mentions, StringComparison.Ordinal));
    }

    [Fact]
    public void Attributes_outside_the_definition_are_refused_and_kind_defaults_to_help()
    {
        Assert.Equal((Hotline.Tickets.TicketKind.Help, null, 0),
            Open311Services.ReadAttributes(new Dictionary<string, string>()) is var (k, d, e) ? (k, d, e.Count) : default);
        var (kind, district, errors) = Open311Services.ReadAttributes(new Dictionary<string, string>
        {
            ["kind"] = "complaint",
            ["district"] = " 鼓楼区 ",
        });
        Assert.Equal((Hotline.Tickets.TicketKind.Complaint, "鼓楼区", 0), (kind, district, errors.Count));
        Assert.Equal(2, Open311Services.ReadAttributes(new Dictionary<string, string> { ["kind"] = "x", ["size"] = "big" }).Errors.Count);
    }

    [Fact]
    public void Xml_and_json_carry_the_same_fields_with_nulls_as_empty_elements()
    {
        var value = new Open311List("request", [new Open311Object().With("service_request_id", "1").With("lat", 1.5).With("media_url", null)]);

        Assert.Equal("""[{"service_request_id":"1","lat":1.5,"media_url":null}]""", Open311Format.Write("json", "service_requests", value));
        Assert.Equal("""<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>1</service_request_id><lat>1.5</lat><media_url /></request></service_requests>""",
            Open311Format.Write("xml", "service_requests", value));
    }

    [Fact]
    public void Instants_are_written_in_beijing_time_with_the_offset()
    {
        Assert.Equal("2026-12-22T17:30:00+08:00", Open311Format.Instant(new DateTimeOffset(2026, 12, 22, 9, 30, 0, TimeSpan.Zero)));
    }
}
