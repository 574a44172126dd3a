using Hotline.Reporting;
using static Hotline.Tests.Reporting.TicketKpisTests;

namespace Hotline.Tests.Reporting;

public sealed class DepartmentEvaluationTests
{
    private static readonly EvaluationWeights ReplyAndSatisfaction = new(new Dictionary<EvaluationIndicator, double>
    {
        [EvaluationIndicator.OnTimeReply] = 60,
        [EvaluationIndicator.Satisfaction] = 40,
    });

    [Fact]
    public void A_score_is_the_weighted_mean_of_the_indicator_points()
    {
        // housing: replies 1 of 2 on time (50 points), satisfaction 2 of 2 (100 points): 0.6 × 50 + 0.4 × 100 = 70.
        var rows = DepartmentEvaluation.Rank(new Dictionary<string, TicketTotals>
        {
            ["housing"] = TicketTotals.Of([Order(), Order(repliedAfterDue: 3)]),
        }, ReplyAndSatisfaction);

        Assert.Equal(70, rows.Single().Score);
        Assert.Equal(1, rows.Single().Rank);
        Assert.Equal(50, rows.Single().Points[EvaluationIndicator.OnTimeReply]);
    }

    [Fact]
    public void Without_return_visits_satisfaction_leaves_the_mean_instead_of_counting_as_zero()
    {
        var rows = DepartmentEvaluation.Rank(new Dictionary<string, TicketTotals>
        {
            ["hrss"] = TicketTotals.Of([Order(satisfaction: null), Order(repliedAfterDue: 3, satisfaction: null)]),
        }, ReplyAndSatisfaction);

        Assert.Equal(50, rows.Single().Score);
        Assert.Null(rows.Single().Points[EvaluationIndicator.Satisfaction]);
    }

    [Fact]
    public void Equal_scores_share_a_rank_the_next_skips_and_departments_without_orders_are_unranked()
    {
        var rows = DepartmentEvaluation.Rank(new Dictionary<string, TicketTotals>
        {
            ["market"] = TicketTotals.Of([Order(repliedAfterDue: 3)]),
            ["housing"] = TicketTotals.Of([Order()]),
            ["education"] = TicketTotals.Of([Order()]),
            ["police-liaison"] = TicketTotals.Zero,
        }, ReplyAndSatisfaction);

        Assert.Equal(["education", "housing", "market", "police-liaison"], rows.Select(r => r.Department));
        Assert.Equal([1, 1, 3, null], rows.Select(r => r.Rank));
        Assert.Equal([100, 100, 40, null], rows.Select(r => r.Score));
    }

    [Fact]
    public void Returns_and_reopenings_cost_points()
    {
        var weights = new EvaluationWeights(new Dictionary<EvaluationIndicator, double>
        {
            [EvaluationIndicator.NotReturned] = 1,
            [EvaluationIndicator.NotReopened] = 1,
        });
        // 4 orders: 1 returned (75 points), 2 reopened of 4 replied (50 points).
        var rows = DepartmentEvaluation.Rank(new Dictionary<string, TicketTotals>
        {
            ["housing"] = TicketTotals.Of([Order(returns: 2), Order(reopens: 1), Order(reopens: 2), Order()]),
        }, weights);

        Assert.Equal(62.5, rows.Single().Score);
    }

    [Fact]
    public void Weights_must_lie_between_0_and_100_and_not_all_be_0()
    {
        var bad = new EvaluationWeights(new Dictionary<EvaluationIndicator, double>
        {
            [EvaluationIndicator.OnTimeSign] = -1,
            [EvaluationIndicator.Satisfaction] = 0,
        });

        Assert.Equal(["weights.on_time_sign", "weights"], bad.Problems().Select(p => p.Field));
        Assert.Empty(EvaluationWeights.Default.Problems());
    }
}
