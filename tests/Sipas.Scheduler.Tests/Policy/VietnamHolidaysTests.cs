using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Tests.Policy;

public class VietnamHolidaysTests
{
    [Fact]
    public void Year2026_HasTheLaborCodesHolidays_WithTetAndHungKingsFromTheLunarCalendar()
    {
        var days = VietnamHolidays.For(2026).ToDictionary(d => d.Date);

        Assert.Contains(new DateOnly(2026, 1, 1), days.Keys);
        // Tết 2026: mùng 1 is 17 February; the last day of the lunar year and mùng 1–4 are off.
        Assert.Equal(
            [new(2026, 2, 16), new(2026, 2, 17), new(2026, 2, 18), new(2026, 2, 19), new(2026, 2, 20)],
            days.Values.Where(d => d.Name.StartsWith("Tết Nguyên đán", StringComparison.Ordinal)).Select(d => d.Date).Order().ToArray());
        Assert.StartsWith("Giỗ Tổ Hùng Vương", days[new DateOnly(2026, 4, 26)].Name, StringComparison.Ordinal);
        Assert.Contains(new DateOnly(2026, 4, 30), days.Keys);
        Assert.Contains(new DateOnly(2026, 5, 1), days.Keys);
        Assert.Contains(new DateOnly(2026, 9, 1), days.Keys);
        Assert.Contains(new DateOnly(2026, 9, 2), days.Keys);
        Assert.All(days.Values, d => Assert.Contains("Bộ luật Lao động 2019", d.Source, StringComparison.Ordinal));
        Assert.Contains("Hồ Ngọc Đức", days[new DateOnly(2026, 2, 17)].Source, StringComparison.Ordinal);
    }

    [Fact]
    public void HolidayOnAWeekend_GivesTheNextWorkingDayOff()
    {
        // 2027: Hùng Kings' day is Friday 16 April; 1 May is a Saturday → Monday 3 May is off in its place.
        var days = VietnamHolidays.For(2027).ToDictionary(d => d.Date);

        Assert.Equal(DayOfWeek.Saturday, new DateOnly(2027, 5, 1).DayOfWeek);
        Assert.StartsWith("Nghỉ bù", days[new DateOnly(2027, 5, 3)].Name, StringComparison.Ordinal);
        Assert.Contains("Điều 111", days[new DateOnly(2027, 5, 3)].Source, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2027, 2, 6), days.Values.Single(d => d.Name == "Tết Nguyên đán (mùng 1)").Date);
    }

    [Fact]
    public void ConsecutiveWeekendHolidays_EachGetTheirOwnCompensatoryDay()
    {
        // 2022: 30 April is a Saturday and 1 May a Sunday → Monday 2 and Tuesday 3 May.
        var compensatory = VietnamHolidays.For(2022).Where(d => d.Name.StartsWith("Nghỉ bù", StringComparison.Ordinal)).Select(d => d.Date).ToList();

        Assert.Contains(new DateOnly(2022, 5, 2), compensatory);
        Assert.Contains(new DateOnly(2022, 5, 3), compensatory);
    }
}
