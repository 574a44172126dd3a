namespace Hotline.Reporting;

/// <summary>
/// The indicators a department's evaluation (部门考评, the hotline's part of 民主评议) scores, each as 0–100 points
/// where more is better (seed 002: 承办数、转办回退件数、回访重办件数、服务过程满意率、办理结果满意率).
/// </summary>
public enum EvaluationIndicator
{
    /// <summary>按时签收率</summary>
    OnTimeSign,
    /// <summary>按时答复率</summary>
    OnTimeReply,
    /// <summary>按时办结率</summary>
    OnTimeCompletion,
    /// <summary>100 − 回退率</summary>
    NotReturned,
    /// <summary>100 − 重办率</summary>
    NotReopened,
    /// <summary>满意率 from return visits (回访)</summary>
    Satisfaction,
}

/// <summary>The weights an administrator sets; an indicator missing from the map weighs 0.</summary>
public sealed record EvaluationWeights(IReadOnlyDictionary<EvaluationIndicator, double> Weights)
{
    /// <summary>The default: timeliness 45, no returns 10, no reopenings 15, satisfaction 30.</summary>
    public static EvaluationWeights Default { get; } = new(new Dictionary<EvaluationIndicator, double>
    {
        [EvaluationIndicator.OnTimeSign] = 10,
        [EvaluationIndicator.OnTimeReply] = 20,
        [EvaluationIndicator.OnTimeCompletion] = 15,
        [EvaluationIndicator.NotReturned] = 10,
        [EvaluationIndicator.NotReopened] = 15,
        [EvaluationIndicator.Satisfaction] = 30,
    });

    public double Of(EvaluationIndicator indicator) => Weights.GetValueOrDefault(indicator);

    /// <summary>What is wrong with these weights: each between 0 and 100, at least one above 0.</summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        foreach (var (indicator, weight) in Weights)
        {
            if (double.IsNaN(weight) || weight < 0 || weight > 100)
                yield return ($"weights.{Hotline.Names.Of(indicator)}", "A weight is between 0 and 100.");
        }
        if (!Weights.Values.Any(w => w > 0)) yield return ("weights", "At least one weight must be above 0.");
    }
}

/// <summary>One department's row of the evaluation table.</summary>
public sealed record EvaluationRow(
    string Department,
    TicketTotals Totals,
    IReadOnlyDictionary<EvaluationIndicator, double?> Points,
    double? Score,
    int? Rank);

/// <summary>
/// Scores and ranks departments. A department's score is the weighted mean of its indicators' points over the
/// indicators it has a figure for (no return visit yet means satisfaction does not count, rather than 0 or 100);
/// a department with no order in the period has no score and no rank. Equal scores (to 0.01) share a rank and the
/// next rank skips (1, 1, 3).
/// </summary>
public static class DepartmentEvaluation
{
    public static double? Points(EvaluationIndicator indicator, TicketKpis k) => indicator switch
    {
        EvaluationIndicator.OnTimeSign => Percent(k.OnTimeSignRate),
        EvaluationIndicator.OnTimeReply => Percent(k.OnTimeReplyRate),
        EvaluationIndicator.OnTimeCompletion => Percent(k.OnTimeCompletionRate),
        EvaluationIndicator.NotReturned => Percent(1 - k.ReturnRate),
        EvaluationIndicator.NotReopened => Percent(1 - k.ReopenRate),
        EvaluationIndicator.Satisfaction => Percent(k.SatisfactionRate),
        _ => throw new ArgumentOutOfRangeException(nameof(indicator)),
    };

    public static IReadOnlyList<EvaluationRow> Rank(IReadOnlyDictionary<string, TicketTotals> byDepartment, EvaluationWeights weights)
    {
        var scored = byDepartment.Select(d =>
        {
            var kpis = d.Value.Kpis;
            var points = Enum.GetValues<EvaluationIndicator>().ToDictionary(i => i, i => Points(i, kpis));
            return (d.Key, d.Value, Points: points, Score: d.Value.Dispatched == 0 ? null : Score(points, weights));
        }).ToList();

        var ordered = scored
            .OrderByDescending(s => s.Score.HasValue)
            .ThenByDescending(s => s.Score is { } v ? Math.Round(v, 2) : 0)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
        var rows = new List<EvaluationRow>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var s = ordered[i];
            int? rank = null;
            if (s.Score is { } score)
                rank = i > 0 && rows[i - 1].Score is { } above && Math.Round(above, 2) == Math.Round(score, 2) ? rows[i - 1].Rank : i + 1;
            rows.Add(new EvaluationRow(s.Key, s.Value, s.Points, s.Score is { } v2 ? Math.Round(v2, 2) : null, rank));
        }
        return rows;
    }

    private static double? Score(IReadOnlyDictionary<EvaluationIndicator, double?> points, EvaluationWeights weights)
    {
        double sum = 0, weight = 0;
        foreach (var (indicator, value) in points)
        {
            var w = weights.Of(indicator);
            if (value is not { } p || w <= 0) continue;
            sum += w * p;
            weight += w;
        }
        return weight > 0 ? sum / weight : null;
    }

    private static double? Percent(double? share) => share is { } s ? s * 100 : null;
}
