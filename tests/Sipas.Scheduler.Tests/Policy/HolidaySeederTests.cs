using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;
using Sipas.Testing;

namespace Sipas.Scheduler.Tests.Policy;

public sealed class HolidaySeederTests : IAsyncLifetime
{
    // 31 December 2026, 20:00 in Vietnam: the local year is 2026 although UTC is still 13:00 the same day.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 31, 13, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSipasData(await TestPostgres.CreateDatabaseAsync("holidays"), Seed.PersonalData);
        services.AddSipasScheduler(configuration, runJobServer: false);
        services.AddSingleton<IInvitationSendRate>(new FixedRate(10));
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<List<Holiday>> HolidaysAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Holidays.AsNoTracking().OrderBy(h => h.Date).ToListAsync();
    }

    private Task<int> SeedAsync() => _services.GetRequiredService<HolidaySeeder>().SeedAsync(CancellationToken.None);

    [Fact]
    public async Task SeedsThisYearAndNext_Once_AndADeletedDayStaysDeleted()
    {
        var added = await SeedAsync();

        var seeded = await HolidaysAsync();
        Assert.Equal(seeded.Count, added);
        Assert.Equal([2026, 2027], seeded.Select(h => h.Date.Year).Distinct().Order());
        Assert.Contains(seeded, h => h.Date == new DateOnly(2026, 2, 17) && h.Name == "Tết Nguyên đán (mùng 1)");
        Assert.Contains(seeded, h => h.Date == new DateOnly(2027, 4, 16) && h.Name.StartsWith("Giỗ Tổ Hùng Vương", StringComparison.Ordinal));
        Assert.All(seeded, h => Assert.Contains("Bộ luật Lao động 2019", h.Source, StringComparison.Ordinal));

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            await db.Holidays.Where(h => h.Date == new DateOnly(2027, 9, 1)).ExecuteDeleteAsync();
        }

        Assert.Equal(0, await SeedAsync());
        Assert.DoesNotContain(await HolidaysAsync(), h => h.Date == new DateOnly(2027, 9, 1));
    }

    [Fact]
    public async Task ANewYear_SeedsTheYearAfter_KeepingADayAnAdministratorAdded()
    {
        await SeedAsync();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            db.Holidays.Add(new Holiday { Date = new DateOnly(2028, 1, 1), Name = "Ngày do quản trị viên thêm", Source = "administrator", CreatedAt = _time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        // 1 January 2027, 00:30 in Vietnam.
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 31, 17, 30, 0, TimeSpan.Zero));
        Assert.True(await SeedAsync() > 0);

        var holidays = await HolidaysAsync();
        Assert.Contains(holidays, h => h.Date.Year == 2028 && h.Name.StartsWith("Tết Nguyên đán", StringComparison.Ordinal));
        Assert.Equal("Ngày do quản trị viên thêm", holidays.Single(h => h.Date == new DateOnly(2028, 1, 1)).Name);
    }

    [Fact]
    public async Task Backlog_CountsWhatIsDue_AndItsDrainTimeAtTheRate()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var seed = new Seed(scope.ServiceProvider.GetRequiredService<SipasDbContext>());
            var unit = await seed.UnitAsync();
            await seed.InvitationsAsync(unit, 30, _time.GetUtcNow().AddMinutes(-5));
            await seed.InvitationsAsync(unit, 5, _time.GetUtcNow().AddMinutes(5), phone: n => $"+8498{n:D7}");
        }

        await using var check = _services.CreateAsyncScope();
        var backlog = await check.ServiceProvider.GetRequiredService<BacklogEstimate>().ComputeAsync(CancellationToken.None);

        Assert.Equal(new Backlog(30, _time.GetUtcNow().AddMinutes(-5), TimeSpan.FromSeconds(3)), backlog);
        Assert.Null(BacklogEstimate.Drain(30, perSecond: null));
        Assert.Equal(TimeSpan.Zero, BacklogEstimate.Drain(0, perSecond: null));
    }

    private sealed class FixedRate(double perSecond) : IInvitationSendRate
    {
        public double? PerSecond => perSecond;
    }
}
