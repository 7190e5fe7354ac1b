using System.Globalization;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Tests.Policy;

public class VietnameseLunarCalendarTests
{
    private static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Tết (mùng 1 tháng Giêng) as published in Vietnam; 1985 and 2007 are years where UTC+7 and China's UTC+8 differ.
    [Theory]
    [InlineData(1985, "1985-01-21")]
    [InlineData(2007, "2007-02-17")]
    [InlineData(2020, "2020-01-25")]
    [InlineData(2023, "2023-01-22")]
    [InlineData(2024, "2024-02-10")]
    [InlineData(2025, "2025-01-29")]
    [InlineData(2026, "2026-02-17")]
    [InlineData(2027, "2027-02-06")]
    public void Tet_IsTheFirstDayOfTheLunarYear_InVietnam(int year, string expected) =>
        Assert.Equal(Date(expected), VietnameseLunarCalendar.NewYear(year));

    // China reckons at UTC+8: the same algorithm there gives China's published dates, which is why ChineseLunisolarCalendar is not used.
    [Theory]
    [InlineData(1985, "1985-02-20")]
    [InlineData(2007, "2007-02-18")]
    public void AtUtcPlus8_TheSameYearsStartOnChinasDates(int year, string expected) =>
        Assert.Equal(Date(expected), VietnameseLunarCalendar.NewYear(year, timeZone: 8));

    // Giỗ Tổ Hùng Vương, 10/3 lunar, as the public-holiday announcements give it.
    [Theory]
    [InlineData(2022, "2022-04-10")]
    [InlineData(2023, "2023-04-29")]
    [InlineData(2024, "2024-04-18")]
    [InlineData(2025, "2025-04-07")]
    [InlineData(2026, "2026-04-26")]
    [InlineData(2027, "2027-04-16")]
    public void HungKingsDay_IsTheTenthDayOfTheThirdLunarMonth(int year, string expected) =>
        Assert.Equal(Date(expected), VietnameseLunarCalendar.ToSolar(year, 3, 10));

    [Theory]
    [InlineData("2026-02-16", 2025, 12, 29)]
    [InlineData("2026-02-17", 2026, 1, 1)]
    [InlineData("2026-04-26", 2026, 3, 10)]
    [InlineData("2026-09-25", 2026, 8, 15)]
    public void SolarToLunar_RoundTrips(string solar, int year, int month, int day)
    {
        var lunar = VietnameseLunarCalendar.ToLunar(Date(solar));
        Assert.Equal(new LunarDate(year, month, day, false), lunar);
        Assert.Equal(Date(solar), VietnameseLunarCalendar.ToSolar(lunar.Year, lunar.Month, lunar.Day, lunar.LeapMonth));
    }

    [Fact]
    public void EveryDayOfFiftyYears_RoundTrips_AndTetFollowsTheLastDayOfTheYear()
    {
        for (var day = new DateOnly(1990, 1, 1); day < new DateOnly(2040, 1, 1); day = day.AddDays(1))
        {
            var lunar = VietnameseLunarCalendar.ToLunar(day);
            Assert.Equal(day, VietnameseLunarCalendar.ToSolar(lunar.Year, lunar.Month, lunar.Day, lunar.LeapMonth));
            if (lunar is { Month: 1, Day: 1, LeapMonth: false })
            {
                Assert.Equal(day, VietnameseLunarCalendar.NewYear(lunar.Year));
                Assert.Equal(12, VietnameseLunarCalendar.ToLunar(day.AddDays(-1)).Month);
            }
        }
    }
}
