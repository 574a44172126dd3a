using Hotline.Calendar;

namespace Hotline.Tests.Calendar;

/// <summary>
/// Real holiday arrangements as the General Office of the State Council published them (国务院办公厅关于
/// 2025年/2026年部分节假日安排的通知): every day off (weekend days inside a holiday included) and every weekend
/// day worked in exchange (调休上班).
/// </summary>
public static class China
{
    /// <summary>国办发明电〔2024〕12号, 12 November 2024.</summary>
    public static CalendarYear Year2025 { get; } = new(
        2025,
        [
            D(2025, 1, 1), // 元旦
            ..Range(D(2025, 1, 28), D(2025, 2, 4)), // 春节
            ..Range(D(2025, 4, 4), D(2025, 4, 6)), // 清明节
            ..Range(D(2025, 5, 1), D(2025, 5, 5)), // 劳动节
            ..Range(D(2025, 5, 31), D(2025, 6, 2)), // 端午节
            ..Range(D(2025, 10, 1), D(2025, 10, 8)), // 国庆节、中秋节
        ],
        [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]);

    /// <summary>The 2026 notice, published by Xinhua on 4 November 2025.</summary>
    public static CalendarYear Year2026 { get; } = new(
        2026,
        [
            ..Range(D(2026, 1, 1), D(2026, 1, 3)), // 元旦
            ..Range(D(2026, 2, 15), D(2026, 2, 23)), // 春节
            ..Range(D(2026, 4, 4), D(2026, 4, 6)), // 清明节
            ..Range(D(2026, 5, 1), D(2026, 5, 5)), // 劳动节
            ..Range(D(2026, 6, 19), D(2026, 6, 21)), // 端午节
            ..Range(D(2026, 9, 25), D(2026, 9, 27)), // 中秋节
            ..Range(D(2026, 10, 1), D(2026, 10, 7)), // 国庆节
        ],
        [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]);

    public static WorkCalendar CalendarOf(params CalendarYear[] years) => WorkCalendar.China(years);

    /// <summary>Both published years.</summary>
    public static WorkCalendar Calendar2025And2026 { get; } = CalendarOf(Year2025, Year2026);

    /// <summary>A Beijing-time instant.</summary>
    public static DateTimeOffset Bj(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static IEnumerable<DateOnly> Range(DateOnly first, DateOnly last)
    {
        for (var day = first; day <= last; day = day.AddDays(1)) yield return day;
    }
}
