namespace Sipas.Scheduler.Policy;

/// <summary>
/// The Vietnamese lunisolar calendar (âm lịch), computed from new moons and the sun's longitude at UTC+7, after Hồ
/// Ngọc Đức's published algorithm ("Thuật toán tính âm lịch", Meeus' astronomical series). Not .NET's
/// ChineseLunisolarCalendar: China reckons at UTC+8, so a new moon shortly after 16:00 UTC starts the month a day
/// earlier in Vietnam (Tết 1985 was 21 January in Vietnam, 20 February in China).
/// </summary>
public static class VietnameseLunarCalendar
{
    public const double VietnamTimeZone = 7.0;

    /// <summary>The solar date of a lunar date (day 1–30, month 1–12, the lunar year as its solar year of Tết; <paramref name="leapMonth"/> for the intercalary month).</summary>
    public static DateOnly ToSolar(int lunarYear, int lunarMonth, int lunarDay, bool leapMonth = false, double timeZone = VietnamTimeZone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lunarMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lunarMonth, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(lunarDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lunarDay, 30);
        long a11, b11;
        if (lunarMonth < 11)
        {
            a11 = LunarMonth11(lunarYear - 1, timeZone);
            b11 = LunarMonth11(lunarYear, timeZone);
        }
        else
        {
            a11 = LunarMonth11(lunarYear, timeZone);
            b11 = LunarMonth11(lunarYear + 1, timeZone);
        }

        var offset = lunarMonth - 11;
        if (offset < 0)
        {
            offset += 12;
        }

        if (b11 - a11 > 365)
        {
            var leapOffset = LeapMonthOffset(a11, timeZone);
            var leap = leapOffset - 2;
            if (leap < 0)
            {
                leap += 12;
            }

            if (leapMonth && lunarMonth != leap)
            {
                throw new ArgumentException($"Lunar year {lunarYear} has no leap month {lunarMonth}.", nameof(leapMonth));
            }

            if (leapMonth || offset >= leapOffset)
            {
                offset++;
            }
        }
        else if (leapMonth)
        {
            throw new ArgumentException($"Lunar year {lunarYear} has no leap month.", nameof(leapMonth));
        }

        var k = Floor(0.5 + ((a11 - 2415021.076998695) / 29.530588853));
        var monthStart = NewMoonDay(k + offset, timeZone);
        return FromJulianDay(monthStart + lunarDay - 1);
    }

    /// <summary>The lunar date of a solar date.</summary>
    public static LunarDate ToLunar(DateOnly date, double timeZone = VietnamTimeZone)
    {
        var dayNumber = JulianDay(date);
        var k = Floor((dayNumber - 2415021.076998695) / 29.530588853);
        var monthStart = NewMoonDay(k + 1, timeZone);
        if (monthStart > dayNumber)
        {
            monthStart = NewMoonDay(k, timeZone);
        }

        var a11 = LunarMonth11(date.Year, timeZone);
        var b11 = a11;
        int lunarYear;
        if (a11 >= monthStart)
        {
            lunarYear = date.Year;
            a11 = LunarMonth11(date.Year - 1, timeZone);
        }
        else
        {
            lunarYear = date.Year + 1;
            b11 = LunarMonth11(date.Year + 1, timeZone);
        }

        var lunarDay = (int)(dayNumber - monthStart + 1);
        var diff = (int)Floor((monthStart - a11) / 29.0);
        var leap = false;
        var lunarMonth = diff + 11;
        if (b11 - a11 > 365)
        {
            var leapDiff = LeapMonthOffset(a11, timeZone);
            if (diff >= leapDiff)
            {
                lunarMonth = diff + 10;
                leap = diff == leapDiff;
            }
        }

        if (lunarMonth > 12)
        {
            lunarMonth -= 12;
        }

        if (lunarMonth >= 11 && diff < 4)
        {
            lunarYear--;
        }

        return new LunarDate(lunarYear, lunarMonth, lunarDay, leap);
    }

    /// <summary>The first day of lunar year <paramref name="lunarYear"/> (Tết Nguyên đán, mùng 1 tháng Giêng).</summary>
    public static DateOnly NewYear(int lunarYear, double timeZone = VietnamTimeZone) => ToSolar(lunarYear, 1, 1, timeZone: timeZone);

    private static long Floor(double value) => (long)Math.Floor(value);

    private static long JulianDay(DateOnly date)
    {
        long a = (14 - date.Month) / 12;
        long y = date.Year + 4800 - a;
        long m = date.Month + (12 * a) - 3;
        return date.Day + (((153 * m) + 2) / 5) + (365 * y) + (y / 4) - (y / 100) + (y / 400) - 32045;
    }

    private static DateOnly FromJulianDay(long jd)
    {
        var a = jd + 32044;
        var b = ((4 * a) + 3) / 146097;
        var c = a - (b * 146097 / 4);
        var d = ((4 * c) + 3) / 1461;
        var e = c - (1461 * d / 4);
        var m = ((5 * e) + 2) / 153;
        var day = e - (((153 * m) + 2) / 5) + 1;
        var month = m + 3 - (12 * (m / 10));
        var year = (b * 100) + d - 4800 + (m / 10);
        return new DateOnly((int)year, (int)month, (int)day);
    }

    /// <summary>The Julian day (at noon) of the k-th new moon after 1 January 1900 in the given zone.</summary>
    private static long NewMoonDay(long k, double timeZone) => Floor(NewMoon(k) + 0.5 + (timeZone / 24));

    private static double NewMoon(long k)
    {
        var t = k / 1236.85;
        var t2 = t * t;
        var t3 = t2 * t;
        const double dr = Math.PI / 180;
        var jd1 = 2415020.75933 + (29.53058868 * k) + (0.0001178 * t2) - (0.000000155 * t3);
        jd1 += 0.00033 * Math.Sin((166.56 + (132.87 * t) - (0.009173 * t2)) * dr);
        var m = 359.2242 + (29.10535608 * k) - (0.0000333 * t2) - (0.00000347 * t3);
        var mpr = 306.0253 + (385.81691806 * k) + (0.0107306 * t2) + (0.00001236 * t3);
        var f = 21.2964 + (390.67050646 * k) - (0.0016528 * t2) - (0.00000239 * t3);
        var c1 = ((0.1734 - (0.000393 * t)) * Math.Sin(m * dr)) + (0.0021 * Math.Sin(2 * dr * m));
        c1 = c1 - (0.4068 * Math.Sin(mpr * dr)) + (0.0161 * Math.Sin(dr * 2 * mpr));
        c1 -= 0.0004 * Math.Sin(dr * 3 * mpr);
        c1 = c1 + (0.0104 * Math.Sin(dr * 2 * f)) - (0.0051 * Math.Sin(dr * (m + mpr)));
        c1 = c1 - (0.0074 * Math.Sin(dr * (m - mpr))) + (0.0004 * Math.Sin(dr * ((2 * f) + m)));
        c1 = c1 - (0.0004 * Math.Sin(dr * ((2 * f) - m))) - (0.0006 * Math.Sin(dr * ((2 * f) + mpr)));
        c1 = c1 + (0.0010 * Math.Sin(dr * ((2 * f) - mpr))) + (0.0005 * Math.Sin(dr * ((2 * mpr) + m)));
        var deltaT = t < -11
            ? 0.001 + (0.000839 * t) + (0.0002261 * t2) - (0.00000845 * t3) - (0.000000081 * t * t3)
            : -0.000278 + (0.000265 * t) + (0.000262 * t2);
        return jd1 + c1 - deltaT;
    }

    /// <summary>The sun's longitude at local midnight starting the day, as one of 12 sectors of 30° (0 = 0°–30°).</summary>
    private static long SunLongitudeSector(long dayNumber, double timeZone) =>
        Floor(SunLongitude(dayNumber - 0.5 - (timeZone / 24)) / Math.PI * 6);

    private static double SunLongitude(double jdn)
    {
        var t = (jdn - 2451545.0) / 36525;
        var t2 = t * t;
        const double dr = Math.PI / 180;
        var m = 357.52910 + (35999.05030 * t) - (0.0001559 * t2) - (0.00000048 * t * t2);
        var l0 = 280.46645 + (36000.76983 * t) + (0.0003032 * t2);
        var dl = (1.914600 - (0.004817 * t) - (0.000014 * t2)) * Math.Sin(dr * m);
        dl = dl + ((0.019993 - (0.000101 * t)) * Math.Sin(dr * 2 * m)) + (0.000290 * Math.Sin(dr * 3 * m));
        var l = (l0 + dl) * dr;
        return l - (Math.PI * 2 * Floor(l / (Math.PI * 2)));
    }

    /// <summary>The Julian day starting the 11th lunar month (the one holding the winter solstice) of solar year <paramref name="year"/>.</summary>
    private static long LunarMonth11(int year, double timeZone)
    {
        var off = JulianDay(new DateOnly(year, 12, 31)) - 2415021;
        var k = Floor(off / 29.530588853);
        var nm = NewMoonDay(k, timeZone);
        return SunLongitudeSector(nm, timeZone) >= 9 ? NewMoonDay(k - 1, timeZone) : nm;
    }

    /// <summary>In a 13-month year starting at <paramref name="a11"/>, which month after it is the leap month (the first without a major solar term).</summary>
    private static int LeapMonthOffset(long a11, double timeZone)
    {
        var k = Floor(((a11 - 2415021.076998695) / 29.530588853) + 0.5);
        var i = 1;
        var arc = SunLongitudeSector(NewMoonDay(k + i, timeZone), timeZone);
        long last;
        do
        {
            last = arc;
            i++;
            arc = SunLongitudeSector(NewMoonDay(k + i, timeZone), timeZone);
        }
        while (arc != last && i < 14);
        return i - 1;
    }
}

public readonly record struct LunarDate(int Year, int Month, int Day, bool LeapMonth);
