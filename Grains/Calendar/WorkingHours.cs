using System.Globalization;

namespace Hotline.Calendar;

/// <summary>One stretch of office hours within a working day, in the calendar's local time.</summary>
public sealed record WorkingPeriod(TimeOnly Start, TimeOnly End)
{
    public TimeSpan Duration => End.ToTimeSpan() - Start.ToTimeSpan();

    public override string ToString() =>
        $"{Start.ToString("HH:mm", CultureInfo.InvariantCulture)}–{End.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The office hours (工作时间) of a working day. Time limits in working hours only run inside these
/// periods, and a limit in working days ends when the last period of its day ends. The default is the
/// usual Chinese government office day: 09:00–12:00 and 13:30–17:30, seven hours with a lunch break.
/// </summary>
public sealed record WorkingHours
{
    public WorkingHours(IReadOnlyList<WorkingPeriod> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        var errors = Validate(periods);
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(periods));
        Periods = periods.ToArray();
        Daily = Periods.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
    }

    public static WorkingHours Default { get; } = new(
    [
        new WorkingPeriod(new TimeOnly(9, 0), new TimeOnly(12, 0)),
        new WorkingPeriod(new TimeOnly(13, 30), new TimeOnly(17, 30)),
    ]);

    /// <summary>The periods in order, none overlapping.</summary>
    public IReadOnlyList<WorkingPeriod> Periods { get; }

    /// <summary>Working time in one full working day (7 h by default).</summary>
    public TimeSpan Daily { get; }

    /// <summary>The end of the last period: when a limit "within N working days" runs out on its last day.</summary>
    public TimeOnly CloseOfBusiness => Periods[^1].End;

    /// <summary>What is wrong with these periods, one sentence each; empty when they are usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<WorkingPeriod> periods)
    {
        var errors = new List<string>();
        if (periods.Count == 0) errors.Add("Working hours need at least one period.");
        for (var i = 0; i < periods.Count; i++)
        {
            if (periods[i].End <= periods[i].Start)
                errors.Add($"Working period {periods[i]} ends before it starts.");
            if (i > 0 && periods[i].Start < periods[i - 1].End)
                errors.Add($"Working period {periods[i]} starts before {periods[i - 1]} ends; periods must be in order and must not overlap.");
        }
        return errors;
    }

    public bool Equals(WorkingHours? other) => other is not null && Periods.SequenceEqual(other.Periods);

    public override int GetHashCode() => Periods.Aggregate(0, (hash, p) => HashCode.Combine(hash, p));

    public override string ToString() => string.Join(", ", Periods);
}
