namespace Sipas.Scheduler.Policy;

/// <summary>A public holiday as seeded: its date, its Vietnamese name, and where the date comes from.</summary>
public sealed record HolidayDay(DateOnly Date, string Name, string Source);

/// <summary>
/// Vietnam's public holidays of a year under the Labor Code 2019 (Bộ luật Lao động 45/2019/QH14), Article 112 §1, with
/// the lunar dates by the Vietnamese calendar (<see cref="VietnameseLunarCalendar"/>), and the compensatory days of
/// Article 111 §3 (a holiday on a weekly day off, Saturday or Sunday for state offices, moves to the next working day).
/// Defaults where the law leaves a choice: Tết is the last day of the lunar year and mùng 1–4 (the Prime Minister fixes
/// the real days each year, so the seeded list stays editable), and the day adjacent to Quốc khánh is 1 September.
/// </summary>
public static class VietnamHolidays
{
    private const string Law = "Bộ luật Lao động 2019, Điều 112 khoản 1";
    private const string Lunar = "ngày âm lịch tính theo lịch Việt Nam (UTC+7), thuật toán Hồ Ngọc Đức";
    private const string PrimeMinister = "ngày cụ thể do Thủ tướng quyết định hằng năm; mặc định: ngày cuối năm âm lịch và mùng 1–4";
    private const string Compensation = "Bộ luật Lao động 2019, Điều 111 khoản 3: nghỉ bù vào ngày làm việc kế tiếp";

    public static IReadOnlyList<HolidayDay> For(int year)
    {
        var days = new List<HolidayDay>
        {
            new(new DateOnly(year, 1, 1), "Tết Dương lịch", $"{Law} điểm a"),
        };
        var tet = VietnameseLunarCalendar.NewYear(year);
        days.Add(new HolidayDay(tet.AddDays(-1), "Tết Nguyên đán (ngày cuối năm âm lịch)", $"{Law} điểm b; {PrimeMinister}; {Lunar}"));
        for (var n = 1; n <= 4; n++)
        {
            days.Add(new HolidayDay(tet.AddDays(n - 1), $"Tết Nguyên đán (mùng {n})", $"{Law} điểm b; {PrimeMinister}; {Lunar}"));
        }

        days.Add(new HolidayDay(VietnameseLunarCalendar.ToSolar(year, 3, 10), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", $"{Law} điểm e; {Lunar}"));
        days.Add(new HolidayDay(new DateOnly(year, 4, 30), "Ngày Chiến thắng (30/4)", $"{Law} điểm c"));
        days.Add(new HolidayDay(new DateOnly(year, 5, 1), "Ngày Quốc tế Lao động (1/5)", $"{Law} điểm d"));
        days.Add(new HolidayDay(new DateOnly(year, 9, 2), "Quốc khánh (2/9)", $"{Law} điểm đ"));
        days.Add(new HolidayDay(new DateOnly(year, 9, 1), "Quốc khánh (ngày liền kề, 1/9)", $"{Law} điểm đ; ngày liền kề mặc định là 1/9, có thể sửa thành 3/9"));
        return [.. WithCompensatoryDays(days).Where(d => d.Date.Year == year).OrderBy(d => d.Date)];
    }

    /// <summary>For each holiday on a Saturday or Sunday, the next working day (neither a weekend nor a holiday nor already taken) is a day off too.</summary>
    private static List<HolidayDay> WithCompensatoryDays(List<HolidayDay> holidays)
    {
        var taken = holidays.Select(d => d.Date).ToHashSet();
        var all = new List<HolidayDay>(holidays);
        foreach (var holiday in holidays.OrderBy(d => d.Date).Where(d => IsWeekend(d.Date)))
        {
            var day = holiday.Date.AddDays(1);
            while (IsWeekend(day) || taken.Contains(day))
            {
                day = day.AddDays(1);
            }

            taken.Add(day);
            all.Add(new HolidayDay(day, $"Nghỉ bù {holiday.Name}", $"{Compensation} ({holiday.Date:dd/MM/yyyy} trùng ngày nghỉ hằng tuần)"));
        }

        return all;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
