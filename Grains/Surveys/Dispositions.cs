namespace Hotline.Surveys;

/// <summary>AAPOR's four groups of dispositions, which the rates are built from.</summary>
public enum DispositionGroup
{
    /// <summary>1.0 I and P: interviews.</summary>
    Interview,
    /// <summary>2.0 R, NC, O: eligible, no interview.</summary>
    EligibleNonInterview,
    /// <summary>3.0 UH, UO: eligibility unknown.</summary>
    UnknownEligibility,
    /// <summary>4.0: not eligible; outside every rate's denominator.</summary>
    NotEligible,
}

/// <summary>
/// The AAPOR Standard Definitions as this campaign runtime uses them: each <see cref="Disposition"/>'s code, group and
/// Chinese label; how a failed dial's reason maps to an outcome; and the outcome rates (RR1, RR2, COOP1, REF1, CON1).
/// </summary>
public static class Dispositions
{
    public static string Code(Disposition d) => d switch
    {
        Disposition.Complete => "1.1",
        Disposition.Partial => "1.2",
        Disposition.Refusal => "2.11",
        Disposition.BreakOff => "2.12",
        Disposition.NonContact => "2.20",
        Disposition.Appointment => "2.21",
        Disposition.Other => "2.30",
        Disposition.Busy => "3.12",
        Disposition.NoAnswer => "3.13",
        Disposition.AnsweringMachine => "3.14",
        Disposition.TechnicalProblem => "3.16",
        Disposition.Fax => "4.20",
        Disposition.InvalidNumber => "4.30",
        Disposition.Ineligible => "4.70",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static string Label(Disposition d) => d switch
    {
        Disposition.Complete => "完成",
        Disposition.Partial => "部分完成",
        Disposition.Refusal => "拒访",
        Disposition.BreakOff => "中途拒访",
        Disposition.NonContact => "未接触到受访者",
        Disposition.Appointment => "预约",
        Disposition.Other => "其他",
        Disposition.Busy => "占线",
        Disposition.NoAnswer => "无人接听",
        Disposition.AnsweringMachine => "答录机",
        Disposition.TechnicalProblem => "线路问题",
        Disposition.Fax => "传真/数据线",
        Disposition.InvalidNumber => "空号/停机",
        Disposition.Ineligible => "不符合条件",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static DispositionGroup Group(Disposition d) => Code(d)[0] switch
    {
        '1' => DispositionGroup.Interview,
        '2' => DispositionGroup.EligibleNonInterview,
        '3' => DispositionGroup.UnknownEligibility,
        _ => DispositionGroup.NotEligible,
    };

    /// <summary>Outcomes an interviewer gives after talking to someone; the network's outcomes come from the dial itself.</summary>
    public static readonly IReadOnlyList<Disposition> AfterContact =
    [
        Disposition.Complete, Disposition.Partial, Disposition.Refusal, Disposition.BreakOff, Disposition.Appointment,
        Disposition.NonContact, Disposition.Other, Disposition.AnsweringMachine, Disposition.Fax, Disposition.InvalidNumber,
        Disposition.Ineligible,
    ];

    /// <summary>Outcomes that count as a valid completed interview for quotas.</summary>
    public static bool CountsForQuota(Disposition d) => d == Disposition.Complete;

    /// <summary>The outcome of a dial the network ended (the reasons the SIP edge and the call grain give).</summary>
    public static Disposition FromDialFailure(string? reason) => reason switch
    {
        "busy" => Disposition.Busy,
        "no_answer" or "cancelled" => Disposition.NoAnswer,
        "rejected" => Disposition.Refusal,
        "unknown_number" => Disposition.InvalidNumber,
        _ => Disposition.TechnicalProblem,
    };

    /// <summary>
    /// The rates over one disposition per case: I complete, P partial, R refusal and break-off, NC non-contact, O other,
    /// U unknown eligibility (UH + UO; every 3.x counts, e = 1, the conservative choice).
    /// RR1 = I / (I+P+R+NC+O+U); RR2 = (I+P) / (…); COOP1 = I / (I+P+R+O); REF1 = R / (…); CON1 = (I+P+R+O) / (I+P+R+O+NC+U).
    /// A rate whose denominator is zero is 0.
    /// </summary>
    public static AaporRates Rates(IEnumerable<Disposition> cases)
    {
        int i = 0, p = 0, r = 0, nc = 0, o = 0, u = 0;
        foreach (var d in cases)
        {
            switch (d)
            {
                case Disposition.Complete: i++; break;
                case Disposition.Partial: p++; break;
                case Disposition.Refusal or Disposition.BreakOff: r++; break;
                case Disposition.NonContact or Disposition.Appointment: nc++; break;
                case Disposition.Other: o++; break;
                default:
                    if (Group(d) == DispositionGroup.UnknownEligibility) u++;
                    break;
            }
        }
        var all = i + p + r + nc + o + u;
        return new AaporRates(
            Ratio(i, all),
            Ratio(i + p, all),
            Ratio(i, i + p + r + o),
            Ratio(r, all),
            Ratio(i + p + r + o, all),
            i + p + r + nc + o);

        static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
    }

    /// <summary>The retry rules a campaign gets unless the survey lead sets its own: 5 attempts, a busy line again in 10 minutes.</summary>
    public static IReadOnlyList<RetryRule> DefaultRetries { get; } =
    [
        new(Disposition.NoAnswer, TimeSpan.FromHours(2), 5),
        new(Disposition.Busy, TimeSpan.FromMinutes(10), 5),
        new(Disposition.AnsweringMachine, TimeSpan.FromHours(4), 5),
        new(Disposition.TechnicalProblem, TimeSpan.FromMinutes(30), 5),
        new(Disposition.NonContact, TimeSpan.FromHours(3), 5),
        new(Disposition.Appointment, TimeSpan.FromHours(1), 6),
    ];
}
