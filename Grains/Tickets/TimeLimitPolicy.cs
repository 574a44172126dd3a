using System.ComponentModel.DataAnnotations;
using Hotline.Calendar;

namespace Hotline.Tickets;

/// <summary>
/// Time limits (限时办理) for work orders, bound from <c>Hotline:TimeLimits</c> and validated at
/// start-up. A limit is looked up in the order's category first, then its kind, then the centre-wide
/// default, so a city overrides only what differs. In configuration:
/// <code>
/// "TimeLimits": {
///   "SignWithin": "1d", "ReturnVisitWithin": "3d", "AutoUrgeShare": 0.8,
///   "Kinds": { "Complaint": { "ReplyWithin": "15d" } },
///   "Categories": { "public-safety": { "SignWithin": "1h", "ReplyWithin": "4h" } }
/// }
/// </code>
/// The defaults follow the provincial rule the issue cites: consultation (咨询) and praise (表扬) within 2
/// working days, help (求助) and suggestion (建议) 10, complaint (投诉) and report (举报) 15. The department
/// signs (签收) within 1 working day; the order is finished, return visit (回访) included, 3 working days
/// after the reply limit.
/// <para>
/// Bind with <c>ErrorOnUnknownConfiguration = true</c>: otherwise the binder silently skips a dictionary
/// entry it cannot convert ("fifteen days", a misspelt kind) and the default stays in force unnoticed.
/// <see cref="Validate()"/> (also run by data-annotations validation) catches what binding cannot.
/// </para>
/// </summary>
public sealed class TimeLimitPolicy : IValidatableObject
{
    public const string Section = "Hotline:TimeLimits";

    /// <summary>How long the lead department has to sign (签收) unless the kind or category says otherwise.</summary>
    public TimeLimit SignWithin { get; set; } = TimeLimit.Days(1);

    /// <summary>
    /// When neither kind nor category sets <see cref="TimeLimitSet.FinishWithin"/>: the time after the
    /// reply limit for the return visit (回访), so Finish = Reply + this.
    /// </summary>
    public TimeLimit ReturnVisitWithin { get; set; } = TimeLimit.Days(3);

    /// <summary>The share of the reply limit after which the order is urged automatically (自动催办). Between 0 and 1.</summary>
    public double AutoUrgeShare { get; set; } = 0.8;

    /// <summary>Limits per kind of matter (诉求类型). Every kind needs a reply limit.</summary>
    public Dictionary<TicketKind, TimeLimitSet> Kinds { get; set; } = new()
    {
        [TicketKind.Consultation] = new() { ReplyWithin = TimeLimit.Days(2) },
        [TicketKind.Help] = new() { ReplyWithin = TimeLimit.Days(10) },
        [TicketKind.Suggestion] = new() { ReplyWithin = TimeLimit.Days(10) },
        [TicketKind.Complaint] = new() { ReplyWithin = TimeLimit.Days(15) },
        [TicketKind.Report] = new() { ReplyWithin = TimeLimit.Days(15) },
        [TicketKind.Praise] = new() { ReplyWithin = TimeLimit.Days(2) },
    };

    /// <summary>
    /// Overrides per category id (性质类别), for urgent matters counted in working hours. The one default,
    /// <c>public-safety</c> (sign within 1 working hour, reply within 4), is a demo value: each city lists
    /// its own urgent categories.
    /// </summary>
    public Dictionary<string, TimeLimitSet> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["public-safety"] = new() { SignWithin = TimeLimit.Hours(1), ReplyWithin = TimeLimit.Hours(4) },
    };

    /// <summary>The limits that apply to an order of this kind and category.</summary>
    public EffectiveTimeLimits Resolve(TicketKind kind, string? category)
    {
        var byKind = Kinds.GetValueOrDefault(kind);
        var byCategory = category is null ? null : Categories.GetValueOrDefault(category);
        var reply = byCategory?.ReplyWithin ?? byKind?.ReplyWithin
            ?? throw new InvalidOperationException($"No reply limit is configured for {kind} ({Section}:Kinds:{kind}:ReplyWithin).");
        return new EffectiveTimeLimits(
            Sign: byCategory?.SignWithin ?? byKind?.SignWithin ?? SignWithin,
            Reply: reply,
            Finish: byCategory?.FinishWithin ?? byKind?.FinishWithin,
            ReturnVisit: ReturnVisitWithin);
    }

    /// <summary>
    /// The order's deadlines for a clock started at <paramref name="clockStart"/> (dispatch or reopening).
    /// Approved extensions (延期) push Reply and Finish to the close of business <paramref name="extensionDays"/>
    /// working days after their original day; the sign limit never moves. The automatic urge falls at
    /// <see cref="AutoUrgeShare"/> of the working time up to the (extended) reply deadline.
    /// <see cref="TicketDeadlines.ScheduledUrge"/> is the operator's and is left empty here.
    /// </summary>
    public TicketDeadlines Compute(TicketKind kind, string? category, DateTimeOffset clockStart, int extensionDays, WorkCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extensionDays);
        ArgumentNullException.ThrowIfNull(calendar);
        var limits = Resolve(kind, category);
        var reply = calendar.AddWorkingDays(limits.Reply.From(clockStart, calendar), extensionDays);
        var finish = limits.Finish is { } finishWithin
            ? calendar.AddWorkingDays(finishWithin.From(clockStart, calendar), extensionDays)
            : limits.ReturnVisit.From(reply, calendar);
        return new TicketDeadlines
        {
            Sign = limits.Sign.From(clockStart, calendar),
            Reply = reply,
            Finish = finish,
            AutoUrge = calendar.AtShare(clockStart, reply, AutoUrgeShare),
        };
    }

    /// <summary>The sign (签收) deadline for an order dispatched at <paramref name="dispatchedAt"/>.</summary>
    public DateTimeOffset SignDeadline(TicketKind kind, string? category, DateTimeOffset dispatchedAt, WorkCalendar calendar) =>
        Resolve(kind, category).Sign.From(dispatchedAt, calendar);

    /// <summary>
    /// What is wrong with these settings, one line each naming the setting; empty when usable. Besides
    /// positive limits and a share strictly between 0 and 1, it checks for every kind and every category
    /// that the limits come in order (sign ≤ reply ≤ finish), counted over an ordinary week so that days
    /// and hours compare.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (double.IsNaN(AutoUrgeShare) || AutoUrgeShare <= 0 || AutoUrgeShare >= 1)
            errors.Add($"{Section}:AutoUrgeShare must be between 0 and 1 (exclusive), not {AutoUrgeShare}.");
        CheckPositive(errors, "SignWithin", SignWithin);
        CheckPositive(errors, "ReturnVisitWithin", ReturnVisitWithin);
        foreach (var (kind, set) in Kinds) CheckSet(errors, $"Kinds:{kind}", set);
        foreach (var (category, set) in Categories)
        {
            if (string.IsNullOrWhiteSpace(category)) errors.Add($"{Section}:Categories has an empty category id.");
            CheckSet(errors, $"Categories:{category}", set);
        }
        foreach (var kind in Enum.GetValues<TicketKind>())
        {
            if (Kinds.GetValueOrDefault(kind)?.ReplyWithin is null)
                errors.Add($"{Section}:Kinds:{kind}:ReplyWithin is missing; every kind needs a reply limit.");
        }
        if (errors.Count == 0) CheckOrder(errors);
        return errors;
    }

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        Validate().Select(error => new ValidationResult(error));

    private static void CheckSet(List<string> errors, string path, TimeLimitSet? set)
    {
        if (set is null) return;
        if (set.SignWithin is { } sign) CheckPositive(errors, $"{path}:SignWithin", sign);
        if (set.ReplyWithin is { } reply) CheckPositive(errors, $"{path}:ReplyWithin", reply);
        if (set.FinishWithin is { } finish) CheckPositive(errors, $"{path}:FinishWithin", finish);
    }

    private static void CheckPositive(List<string> errors, string path, TimeLimit limit)
    {
        if (limit.Amount <= 0) errors.Add($"{Section}:{path} must be a positive time limit, not {limit}.");
    }

    private void CheckOrder(List<string> errors)
    {
        // A Monday morning on a weekends-only calendar: days and hours become comparable instants.
        var calendar = new WorkCalendar([], WorkingHours.Default, TimeZoneInfo.Utc);
        var monday = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var cases = Enum.GetValues<TicketKind>().Select(kind => (Kind: kind, Category: (string?)null, Where: $"Kinds:{kind}"))
            .Concat(Categories.Keys.SelectMany(category => Enum.GetValues<TicketKind>()
                .Select(kind => (Kind: kind, Category: (string?)category, Where: $"Categories:{category} (for {kind})"))));
        foreach (var (kind, category, where) in cases)
        {
            var limits = Resolve(kind, category);
            var deadlines = Compute(kind, category, monday, 0, calendar);
            if (deadlines.Sign > deadlines.Reply)
                errors.Add($"{Section}:{where}: the sign limit ({limits.Sign}) ends after the reply limit ({limits.Reply}).");
            if (deadlines.Reply > deadlines.Finish)
                errors.Add($"{Section}:{where}: the finish limit ({limits.Finish}) ends before the reply limit ({limits.Reply}).");
        }
    }
}

/// <summary>
/// Limits that override the level above them (category over kind over centre-wide). Unset means
/// "inherit". <see cref="FinishWithin"/> counts from the clock start; unset, Finish is the reply
/// deadline plus <see cref="TimeLimitPolicy.ReturnVisitWithin"/>.
/// </summary>
public sealed class TimeLimitSet
{
    /// <summary>签收时限</summary>
    public TimeLimit? SignWithin { get; set; }
    /// <summary>答复时限</summary>
    public TimeLimit? ReplyWithin { get; set; }
    /// <summary>办结时限, return visit included.</summary>
    public TimeLimit? FinishWithin { get; set; }
}

/// <summary>The limits that apply to one order once category, kind and centre-wide defaults are merged.</summary>
public readonly record struct EffectiveTimeLimits(TimeLimit Sign, TimeLimit Reply, TimeLimit? Finish, TimeLimit ReturnVisit);
