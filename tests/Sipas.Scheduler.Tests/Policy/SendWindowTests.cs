using Microsoft.Extensions.Options;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Tests.Policy;

public class SendWindowTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    private static SendWindow Window(string start = "07:00", string end = "21:00", int delayMinutes = 30) =>
        new(Options.Create(new SurveyOptions
        {
            DelayAfterReturn = TimeSpan.FromMinutes(delayMinutes),
            AllowedWindow = new SurveyOptions.WindowOptions { Start = start, End = end },
        }));

    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Vietnam);

    [Fact]
    public void DueTime_IsReturnPlusDelay_WhenThatFallsInsideTheWindow()
    {
        var due = Window().DueTimeFor(Local(20, 9, 14), now: Local(20, 9, 15));
        Assert.Equal(Local(20, 9, 44), due);
    }

    [Fact]
    public void DueTime_BeforeTheWindow_MovesToItsStartTheSameDay()
    {
        var due = Window().DueTimeFor(Local(20, 5, 0), now: Local(20, 5, 1));
        Assert.Equal(Local(20, 7, 0), due);
    }

    [Fact]
    public void DueTime_AfterTheWindow_MovesToItsStartTheNextDay()
    {
        var due = Window().DueTimeFor(Local(20, 20, 45), now: Local(20, 20, 46));
        Assert.Equal(Local(21, 7, 0), due);
    }

    [Fact]
    public void DueTime_AtTheEndOfTheWindow_IsOutsideIt()
    {
        var due = Window(delayMinutes: 0).DueTimeFor(Local(20, 21, 0), now: Local(20, 21, 0));
        Assert.Equal(Local(21, 7, 0), due);
    }

    [Fact]
    public void DueTime_OfALateEvent_IsNowRatherThanThePast()
    {
        var now = Local(22, 10, 0);
        Assert.Equal(now, Window().DueTimeFor(Local(20, 9, 0), now));
    }

    [Fact]
    public void WholeDayWindow_AllowsAnyHour()
    {
        var window = Window("00:00", "24:00", delayMinutes: 0);
        Assert.Equal(Local(20, 23, 30), window.DueTimeFor(Local(20, 23, 30), now: Local(20, 23, 30)));
        Assert.True(window.IsWiderThanDefault);
    }

    [Fact]
    public void OvernightWindow_IsOpenAcrossMidnight_AndClosedInTheDay()
    {
        var window = Window("20:00", "06:00", delayMinutes: 0);
        Assert.Equal(Local(20, 23, 0), window.NextAllowed(Local(20, 23, 0)));
        Assert.Equal(Local(21, 3, 0), window.NextAllowed(Local(21, 3, 0)));
        Assert.Equal(Local(21, 20, 0), window.NextAllowed(Local(21, 12, 0)));
    }

    [Fact]
    public void DueTime_IsStoredInUtc()
    {
        var due = Window().DueTimeFor(Local(20, 9, 14), now: Local(20, 9, 15));
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Theory]
    [InlineData("7h", "21:00")]
    [InlineData("07:00", "07:00")]
    [InlineData("24:00", "21:00")]
    public void InvalidWindow_IsRefusedAtStart(string start, string end) =>
        Assert.ThrowsAny<Exception>(() => Window(start, end));
}
