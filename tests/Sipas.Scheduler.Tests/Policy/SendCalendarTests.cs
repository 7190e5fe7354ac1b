using System.Text.Json;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Tests.Policy;

/// <summary>The calendar's answers for instants around the window's edges, midnight and holidays (Vietnam, UTC+7).</summary>
public class SendCalendarTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    private static readonly Guid Province = Guid.NewGuid();
    private static readonly Guid Ward = Guid.NewGuid();
    private static readonly Guid OtherWard = Guid.NewGuid();

    private static SendCalendar Calendar(
        string start = "07:00", string end = "21:00", int delayMinutes = 30, IReadOnlyDictionary<DateOnly, string>? holidays = null, params UnitSettingsRow[] settings) =>
        new(
            new SurveyOptions
            {
                DelayAfterReturn = TimeSpan.FromMinutes(delayMinutes),
                AllowedWindow = new SurveyOptions.WindowOptions { Start = start, End = end },
            },
            new Dictionary<Guid, Guid?> { [Province] = null, [Ward] = Province, [OtherWard] = Province },
            settings,
            holidays ?? new Dictionary<DateOnly, string>(),
            DateTimeOffset.UnixEpoch);

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0, int year = 2026) => new(year, month, day, hour, minute, 0, Vietnam);

    private static DateTimeOffset Nov(int day, int hour, int minute = 0) => Local(11, day, hour, minute);

    private static JsonElement Parameters(PolicyDecision decision) => JsonDocument.Parse(decision.Parameters).RootElement;

    [Fact]
    public void DueTime_IsReturnPlusDelay_WhenThatFallsInsideTheWindow_WithNoDecision()
    {
        var (due, decision) = Calendar().DueTime(Ward, Nov(20, 9, 14), now: Nov(20, 9, 15));
        Assert.Equal(Nov(20, 9, 44), due);
        Assert.Null(decision);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void DueTime_BeforeTheWindow_MovesToItsStartTheSameDay_AsAWindowDeferral()
    {
        var (due, decision) = Calendar().DueTime(Ward, Nov(20, 5, 0), now: Nov(20, 5, 1));

        Assert.Equal(Nov(20, 7, 0), due);
        Assert.Equal(DecisionKind.Deferred, decision!.Kind);
        Assert.Equal(DecisionRules.Window, decision.Rule);
        Assert.Equal(Nov(20, 7, 0), decision.DeferredUntil);
        Assert.Equal("07:00–21:00", Parameters(decision).GetProperty("window").GetString());
        Assert.Equal("Asia/Ho_Chi_Minh", Parameters(decision).GetProperty("timeZone").GetString());
    }

    [Fact]
    public void DueTime_AfterTheWindow_MovesToItsStartTheNextDay_AcrossMidnight()
    {
        var (due, decision) = Calendar().DueTime(Ward, Nov(20, 20, 45), now: Nov(20, 20, 46));
        Assert.Equal(Nov(21, 7, 0), due);
        Assert.Equal(DecisionRules.Window, decision!.Rule);
    }

    [Theory]
    [InlineData(6, 59, false)]
    [InlineData(7, 0, true)]
    [InlineData(20, 59, true)]
    [InlineData(21, 0, false)]
    public void AtTheWindowsEdges_TheStartIsInside_AndTheEndIsOutside(int hour, int minute, bool open)
    {
        var decision = Calendar().CheckNow(Ward, Nov(20, 6, 0), Nov(20, hour, minute));
        Assert.Equal(open, decision is null);
        if (!open)
        {
            Assert.Equal(hour < 12 ? Nov(20, 7, 0) : Nov(21, 7, 0), decision!.DeferredUntil);
        }
    }

    [Fact]
    public void DueTime_OfALateEvent_IsNowRatherThanThePast()
    {
        var now = Nov(22, 10, 0);
        Assert.Equal(now, Calendar().DueTime(Ward, Nov(20, 9, 0), now).DueAt);
    }

    [Fact]
    public void WholeDayWindow_AllowsAnyHour()
    {
        var calendar = Calendar("00:00", "24:00", delayMinutes: 0);
        Assert.Equal((Nov(20, 23, 30), (PolicyDecision?)null), calendar.DueTime(Ward, Nov(20, 23, 30), now: Nov(20, 23, 30)));
        Assert.True(new DailyWindow(0, 1440).IsWiderThanDefault);
    }

    [Fact]
    public void OvernightWindow_IsOpenAcrossMidnight_AndClosedInTheDay()
    {
        var calendar = Calendar("20:00", "06:00", delayMinutes: 0);
        Assert.Null(calendar.CheckNow(Ward, Nov(20, 22, 0), Nov(20, 23, 0)));
        Assert.Null(calendar.CheckNow(Ward, Nov(20, 22, 0), Nov(21, 3, 0)));
        Assert.Equal(Nov(21, 20, 0), calendar.CheckNow(Ward, Nov(20, 22, 0), Nov(21, 12, 0))!.DeferredUntil);
    }

    [Fact]
    public void OnTet_TheInvitationWaitsForTheFirstWorkingDayAfterIt_AsAHolidayDeferral()
    {
        // Tết 2026: 16–20 February (the last day of the lunar year and mùng 1–4).
        var holidays = VietnamHolidays.For(2026).ToDictionary(d => d.Date, d => d.Name);
        var calendar = Calendar(holidays: holidays);

        var (due, decision) = calendar.DueTime(Ward, Local(2, 15, 20, 45), now: Local(2, 15, 20, 46));

        Assert.Equal(Local(2, 21, 7, 0), due);
        Assert.Equal(DecisionRules.Holiday, decision!.Rule);
        Assert.Equal("2026-02-16", Parameters(decision).GetProperty("holidayDate").GetString());
        Assert.Equal("Tết Nguyên đán (ngày cuối năm âm lịch)", Parameters(decision).GetProperty("holiday").GetString());
        Assert.Equal(Local(2, 21, 7, 0), decision.DeferredUntil);
    }

    [Fact]
    public void OnTet2027_ADispatchIsDeferredPastMung4_AndTheDaysInLieuOfItsWeekend()
    {
        var holidays = VietnamHolidays.For(2027).ToDictionary(d => d.Date, d => d.Name);
        var decision = Calendar(holidays: holidays).CheckNow(Ward, Local(2, 6, 9, 0, 2027), Local(2, 6, 10, 0, 2027));

        Assert.Equal(DecisionRules.Holiday, decision!.Rule);
        Assert.Equal("Tết Nguyên đán (mùng 1)", Parameters(decision).GetProperty("holiday").GetString());
        // Mùng 1–2 fall on Saturday 6 and Sunday 7 February 2027, so after mùng 4 (Tuesday 9) Wednesday 10 and
        // Thursday 11 are days off in lieu; Friday 12 is the first working day.
        Assert.Equal(Local(2, 12, 7, 0, 2027), decision.DeferredUntil);
    }

    [Fact]
    public void AnEventOlderThanMaxEventAge_IsStale_AtIngestAndAtDispatchAfterALongDeferral()
    {
        var holidays = VietnamHolidays.For(2026).ToDictionary(d => d.Date, d => d.Name);
        var calendar = Calendar(holidays: holidays);
        var returned = Local(2, 10, 9, 0);

        // Within seven days at ingest; Tết then defers it past them, so at dispatch it is skipped.
        Assert.False(calendar.IsStale(returned, Local(2, 15, 20, 0)));
        var decision = calendar.CheckNow(Ward, returned, Local(2, 21, 7, 0));

        Assert.Equal(DecisionKind.Skipped, decision!.Kind);
        Assert.Equal(DecisionRules.Stale, decision.Rule);
        Assert.Equal("7.00:00:00", Parameters(decision).GetProperty("maxEventAge").GetString());
    }

    [Fact]
    public void UnitOverride_BeatsItsParent_WhichBeatsConfiguration_FieldByField()
    {
        var calendar = Calendar(
            settings:
            [
                new UnitSettingsRow(Province, TimeSpan.FromHours(2), 8 * 60, 20 * 60),
                new UnitSettingsRow(Ward, null, 9 * 60, null),
            ]);

        Assert.Equal(new UnitSchedule(TimeSpan.FromHours(2), new DailyWindow(9 * 60, 20 * 60)), calendar.For(Ward));
        Assert.Equal(new UnitSchedule(TimeSpan.FromHours(2), new DailyWindow(8 * 60, 20 * 60)), calendar.For(OtherWard));
        Assert.Equal(new UnitSchedule(TimeSpan.FromMinutes(30), new DailyWindow(7 * 60, 21 * 60)), calendar.For(Guid.NewGuid()));

        var (due, decision) = calendar.DueTime(Ward, Nov(20, 8, 0), now: Nov(20, 8, 0));
        Assert.Equal(Nov(20, 10, 0), due);
        Assert.Null(decision);
        Assert.Equal("09:00–20:00", Parameters(calendar.CheckNow(Ward, Nov(20, 8, 0), Nov(20, 8, 30))!).GetProperty("window").GetString());
    }

    [Fact]
    public void InheritedStartEqualToInheritedEnd_FallsBackToTheConfiguredWindow()
    {
        var calendar = Calendar(settings: [new UnitSettingsRow(Province, null, null, 7 * 60)]);
        Assert.Equal(new DailyWindow(7 * 60, 21 * 60), calendar.For(Ward).Window);
    }
}
