using Hotline.Reporting;

namespace Hotline.Tests.Reporting;

public sealed class TicketKpisTests
{
    private static readonly DateTimeOffset Created = new(2026, 9, 28, 10, 0, 0, TimeSpan.FromHours(8));

    internal static TicketRow Order(string status = "closed", string kind = "help", string channel = "phone", string? department = "housing",
        double? signedAfterDue = -1, double? repliedAfterDue = -1, double? closedAfterDue = -1, bool overdue = false, int returns = 0,
        int reopens = 0, int urges = 0, bool supervised = false, int extensions = 0, string? satisfaction = "satisfied",
        string category = "housing", string? district = "历下区")
    {
        var signDue = Created.AddDays(1);
        var replyDue = Created.AddDays(10);
        var finishDue = Created.AddDays(13);
        return new TicketRow(kind, channel, category, district, department, status, Created,
            department is null ? null : signDue, signedAfterDue is { } s ? signDue.AddHours(s) : null,
            department is null ? null : replyDue, repliedAfterDue is { } r ? replyDue.AddHours(r) : null,
            department is null ? null : finishDue, status == "closed" && closedAfterDue is { } c ? finishDue.AddHours(c) : null,
            overdue, returns, reopens, urges, supervised, extensions, satisfaction);
    }

    [Fact]
    public void Six_orders_give_the_hand_computed_work_order_rates()
    {
        TicketRow[] orders =
        [
            Order(),                                                                   // all on time, satisfied
            Order(signedAfterDue: 2, repliedAfterDue: 5, closedAfterDue: 1, overdue: true, urges: 2, supervised: true, satisfaction: "basically"),
            Order(status: "replied", returns: 1, extensions: 1, satisfaction: null, kind: "complaint", channel: "web"),
            Order(status: "closed", reopens: 2, satisfaction: "unsatisfied", kind: "complaint"), // reopened twice: one order, two reopenings
            Order(status: "resolved", department: null, signedAfterDue: null, repliedAfterDue: null, satisfaction: null, kind: "consultation"),
            Order(status: "merged", satisfaction: null),                               // counted in the order it joined
        ];

        var t = TicketTotals.Of(orders);
        var k = t.Kpis;

        Assert.Equal(5, t.Received);
        Assert.Equal((1, 2, 1), (t.ResolvedOnSpot, t.Complaints, t.NonPhone));
        Assert.Equal((4, 4, 3), (t.Dispatched, t.Signed, t.SignedOnTime));
        Assert.Equal((4, 3, 3, 2), (t.Replied, t.RepliedOnTime, t.Closed, t.ClosedOnTime));
        Assert.Equal((1, 1, 1, 1, 2), (t.Overdue, t.Returned, t.Returns, t.Reopened, t.Reopenings));
        Assert.Equal((2, 1, 1, 1), (t.Urges, t.Supervised, t.Extended, t.Extensions));
        Assert.Equal((3, 1, 1, 1), (t.Visited, t.Satisfied, t.BasicallySatisfied, t.Unsatisfied));

        Assert.Equal(1.0 / 5, k.FirstContactResolution);
        Assert.Equal(2.0 / 5, k.ComplaintRate);
        Assert.Equal(1.0 / 5, k.NonPhoneShare);
        Assert.Equal(3.0 / 4, k.OnTimeSignRate);
        Assert.Equal(3.0 / 4, k.OnTimeReplyRate);
        Assert.Equal(2.0 / 3, k.OnTimeCompletionRate);
        Assert.Equal(4.0 / 4, k.CompletionRate);
        Assert.Equal(1.0 / 4, k.ReturnRate);
        Assert.Equal(1.0 / 4, k.ReopenRate);
        Assert.Equal(3.0 / 4, k.VisitCoverage);
        Assert.Equal(2.0 / 3, k.SatisfactionRate);
    }

    [Fact]
    public void A_reply_on_a_holiday_before_the_working_day_limit_is_on_time()
    {
        // Dispatched 30 September 2026; the grain's calendar skips the 1–7 October holiday, so the limit lies after it.
        var dispatched = new DateTimeOffset(2026, 9, 30, 9, 0, 0, TimeSpan.FromHours(8));
        var limit = new DateTimeOffset(2026, 10, 13, 17, 30, 0, TimeSpan.FromHours(8));
        var onHoliday = new DateTimeOffset(2026, 10, 3, 11, 0, 0, TimeSpan.FromHours(8));
        var order = new TicketRow("help", "phone", "housing", null, "housing", "replied", dispatched, dispatched.AddDays(1), dispatched.AddHours(2),
            limit, onHoliday, limit.AddDays(3), null, false, 0, 0, 0, false, 0, null);

        Assert.Equal(1, TicketTotals.Of([order]).Kpis.OnTimeReplyRate);
    }

    [Fact]
    public void No_orders_give_no_rates()
    {
        var k = TicketTotals.Of([]).Kpis;

        Assert.Null(k.FirstContactResolution);
        Assert.Null(k.OnTimeReplyRate);
        Assert.Null(k.SatisfactionRate);
    }

    [Fact]
    public void An_order_replied_at_the_limit_to_the_second_is_on_time_and_one_second_later_is_not()
    {
        Assert.Equal(1, TicketTotals.Of([Order(repliedAfterDue: 0)]).RepliedOnTime);
        Assert.Equal(0, TicketTotals.Of([Order(repliedAfterDue: 1.0 / 3600)]).RepliedOnTime);
    }
}
