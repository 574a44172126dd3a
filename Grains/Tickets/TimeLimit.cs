using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Hotline.Calendar;

namespace Hotline.Tickets;

/// <summary>How a time limit is counted.</summary>
public enum TimeLimitUnit
{
    /// <summary>工作日: ends at close of business of the N-th working day after the start.</summary>
    WorkingDays = 0,
    /// <summary>工作小时: office hours only, for urgent categories.</summary>
    WorkingHours = 1,
}

/// <summary>
/// One time limit (时限), such as "15 working days" or "4 working hours". In configuration it is written
/// <c>"15d"</c> or <c>"4h"</c>, so an override replaces a default whole instead of mixing with it.
/// </summary>
[TypeConverter(typeof(TimeLimitConverter))]
public readonly record struct TimeLimit(int Amount, TimeLimitUnit Unit)
{
    public static TimeLimit Days(int amount) => new(amount, TimeLimitUnit.WorkingDays);

    public static TimeLimit Hours(int amount) => new(amount, TimeLimitUnit.WorkingHours);

    /// <summary>When this limit runs out for a clock started at <paramref name="start"/>.</summary>
    public DateTimeOffset From(DateTimeOffset start, WorkCalendar calendar) => Unit switch
    {
        TimeLimitUnit.WorkingDays => calendar.AddWorkingDays(start, Amount),
        TimeLimitUnit.WorkingHours => calendar.AddWorkingTime(start, TimeSpan.FromHours(Amount)),
        _ => throw new InvalidOperationException($"Unknown time-limit unit {Unit}."),
    };

    /// <summary>Parses <c>"15d"</c> (working days) or <c>"4h"</c> (working hours); spaces and case do not matter.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeLimit limit)
    {
        limit = default;
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s) || s.Length < 2) return false;
        TimeLimitUnit? unit = char.ToLowerInvariant(s[^1]) switch
        {
            'd' => TimeLimitUnit.WorkingDays,
            'h' => TimeLimitUnit.WorkingHours,
            _ => null,
        };
        if (unit is null || !int.TryParse(s[..^1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
            return false;
        limit = new TimeLimit(amount, unit.Value);
        return true;
    }

    public static TimeLimit Parse(string text) => TryParse(text, out var limit)
        ? limit
        : throw new FormatException($"'{text}' is not a time limit; write working days as \"15d\" or working hours as \"4h\".");

    public override string ToString() =>
        Amount.ToString(CultureInfo.InvariantCulture) + (Unit == TimeLimitUnit.WorkingHours ? "h" : "d");
}

/// <summary>Lets configuration binding read <c>"15d"</c> / <c>"4h"</c> into a <see cref="TimeLimit"/>.</summary>
public sealed class TimeLimitConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? TimeLimit.Parse(text) : base.ConvertFrom(context, culture, value);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is TimeLimit limit ? limit.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
