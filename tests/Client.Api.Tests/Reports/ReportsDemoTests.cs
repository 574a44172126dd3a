using System.Text.Json;
using Hotline.Api.Reports;
using Hotline.Calls;
using Hotline.Tickets;

namespace Hotline.Tests.Reports;

/// <summary>The demo history run.sh writes: shaped like the grains' own state, and with what the reports need to show.</summary>
public sealed class ReportsDemoTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateOnly Today = new(2026, 12, 8);

    [Fact]
    public void The_demo_history_is_written_as_the_ticket_and_call_grains_read_their_state()
    {
        var (calls, orders) = ReportsDemo.Generate(Today, new Random(12345));

        foreach (var order in orders.Take(300))
        {
            var record = JsonSerializer.Deserialize<TicketRecord>(ReportsDemo.OrderPayload(order), Json)!;
            Assert.Equal(order.Status, record.Status);
            Assert.Equal(order.Summary, record.Intake!.Summary);
            Assert.Equal(order.History.Count, record.History.Count);
            Assert.True(TicketNumber.IsWellFormed(order.Number), order.Number);
        }
        var call = JsonSerializer.Deserialize<CallRecord>(ReportsDemo.CallPayload(calls[0]), Json)!;
        Assert.Equal(calls[0].Arrived, call.ArrivedAt);
        Assert.True(call.State is CallState.Ended or CallState.Abandoned);
        Assert.Equal(orders.Count, orders.Select(o => o.Number).Distinct().Count());
    }

    [Fact]
    public void The_demo_history_covers_more_than_a_year_and_bursts_with_water_cuts_last_month()
    {
        var (calls, orders) = ReportsDemo.Generate(Today, new Random(12345));

        Assert.True(calls.Min(c => c.Arrived) < new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Contains(orders, o => o.Status == TicketStatus.Closed && o.Reopens > 0);
        Assert.Contains(orders, o => o.Returns > 0);
        Assert.Contains(calls, c => c.State == "abandoned");
        var november = orders.Where(o => o.Created.Month == 11 && o.Created.Year == 2026).ToList();
        Assert.True(november.Count(o => o.Summary.Contains("停水", StringComparison.Ordinal)) >= 50);
    }
}
