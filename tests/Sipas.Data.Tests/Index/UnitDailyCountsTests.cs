using Microsoft.EntityFrameworkCore;
using Sipas.Data.Index;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Data.Tests.Index;

/// <summary>The counts table behind the response-rate page: local days, replacement instead of addition, skip reasons, scope.</summary>
public class UnitDailyCountsTests
{
    private static readonly TimeZoneInfo Hanoi = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    [Fact]
    public async Task ADossierReturnedAfterLocalMidnight_CountsOnTheNextLocalDay()
    {
        var (db, dataSource) = await OpenAsync("counts_days");
        await using var _ = db;
        await using var __ = dataSource;
        var unit = await new Seed(db).UnitAsync();
        // 16:59 UTC is 23:59 in Hanoi; 17:30 UTC is 00:30 the next day.
        await new Seed(db).InvitationsAsync(unit, 1, At("2026-11-10T17:00:00Z"), returnedAt: At("2026-11-10T16:59:00Z"));
        await new Seed(db).InvitationsAsync(unit, 2, At("2026-11-10T18:00:00Z"), n => $"+8492{n:D7}", At("2026-11-10T17:30:00Z"));

        await new UnitDailyCounts(dataSource).RecomputeAsync(new DateOnly(2026, 11, 1), Hanoi, DateTimeOffset.UtcNow, CancellationToken.None);

        var days = await db.UnitDailyCounts.AsNoTracking().OrderBy(c => c.Day).Select(c => new { c.Day, c.Events }).ToListAsync();
        Assert.Equal([new { Day = new DateOnly(2026, 11, 10), Events = 1 }, new { Day = new DateOnly(2026, 11, 11), Events = 2 }], days);
    }

    [Fact]
    public async Task RecomputingAgain_ReplacesTheCounts_AndFollowsStateChanges_LeavingEarlierDaysAlone()
    {
        var (db, dataSource) = await OpenAsync("counts_again");
        await using var _ = db;
        await using var __ = dataSource;
        var seed = new Seed(db);
        var unit = await seed.UnitAsync();
        var old = await seed.InvitationsAsync(unit, 1, At("2026-10-01T03:00:00Z"), n => $"+8493{n:D7}", At("2026-10-01T02:30:00Z"));
        var recent = await seed.InvitationsAsync(unit, 3, At("2026-11-10T03:00:00Z"), returnedAt: At("2026-11-10T02:30:00Z"));
        Move(old[0], InvitationState.Completed);
        Move(recent[0], InvitationState.Sent);
        Move(recent[1], InvitationState.Sent);
        await db.SaveChangesAsync();
        var counts = new UnitDailyCounts(dataSource);
        await counts.RecomputeAsync(new DateOnly(2026, 9, 1), Hanoi, DateTimeOffset.UtcNow, CancellationToken.None);

        Move(recent[0], InvitationState.Completed);
        Move(old[0], InvitationState.Expired);
        await db.SaveChangesAsync();
        await counts.RecomputeAsync(new DateOnly(2026, 11, 1), Hanoi, DateTimeOffset.UtcNow, CancellationToken.None);
        await counts.RecomputeAsync(new DateOnly(2026, 11, 1), Hanoi, DateTimeOffset.UtcNow, CancellationToken.None);

        var rows = await db.UnitDailyCounts.AsNoTracking().OrderBy(c => c.Day).ThenBy(c => c.Channel).ToListAsync();
        var october = Assert.Single(rows, r => r.Day == new DateOnly(2026, 10, 1));
        Assert.Equal(1, october.Completed);
        var november = rows.Where(r => r.Day == new DateOnly(2026, 11, 10)).ToList();
        Assert.Equal(3, november.Sum(r => r.Events));
        Assert.Equal(2, november.Sum(r => r.Invited));
        Assert.Equal(1, november.Sum(r => r.Completed));
    }

    [Fact]
    public async Task TheReport_CountsSkipsByReason_AndOnlyTheUnitsInScope()
    {
        var (db, dataSource) = await OpenAsync("counts_report");
        await using var _ = db;
        await using var __ = dataSource;
        var seed = new Seed(db);
        var province = await seed.UnitAsync("P", "Tỉnh");
        var a = await seed.UnitAsync("A", "Phường A", province.Id);
        var b = await seed.UnitAsync("B", "Phường B", province.Id);
        var ofA = await seed.InvitationsAsync(a, 4, At("2026-11-10T03:00:00Z"), returnedAt: At("2026-11-10T02:30:00Z"));
        var ofB = await seed.InvitationsAsync(b, 2, At("2026-11-10T03:00:00Z"), n => $"+8494{n:D7}", At("2026-11-10T02:30:00Z"));
        Skip(ofA[0], SkipReason.OptedOut);
        Skip(ofA[1], SkipReason.OptedOut);
        Skip(ofA[2], SkipReason.PhoneNotMobile);
        Move(ofA[3], InvitationState.Completed);
        Move(ofB[0], InvitationState.Failed);
        Move(ofB[1], InvitationState.Partial);
        await db.SaveChangesAsync();
        await new UnitDailyCounts(dataSource).RecomputeAsync(new DateOnly(2026, 11, 1), Hanoi, DateTimeOffset.UtcNow, CancellationToken.None);

        var all = await new ResponseRates(dataSource).ReadAsync(new DateOnly(2026, 11, 4), new DateOnly(2026, 11, 10), null, CancellationToken.None);
        var onlyA = await new ResponseRates(dataSource).ReadAsync(new DateOnly(2026, 11, 4), new DateOnly(2026, 11, 10), new HashSet<Guid> { a.Id }, CancellationToken.None);

        Assert.Equal(["A", "B", "P"], all.Units.Select(u => u.Code));
        Assert.Equal(new Dictionary<string, int> { ["OptedOut"] = 2, ["PhoneNotMobile"] = 1 }, all.Skipped);
        Assert.Equal(new Funnel(6, 2, 0, 0, 1, 1, 1), all.Total);
        Assert.Equal(1.0 / 3, all.Total.ResponseRate);
        Assert.Equal(["A"], onlyA.Units.Select(u => u.Code));
        Assert.Equal(1.0, onlyA.Total.ResponseRate);
        Assert.NotNull(all.AsOf);
    }

    private static async Task<(SipasDbContext Db, Npgsql.NpgsqlDataSource DataSource)> OpenAsync(string name)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(name);
        return (TestDatabase.Open(connectionString), DataServiceCollectionExtensions.CreateDataSource(connectionString));
    }

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    private static void Move(Invitation invitation, InvitationState state)
    {
        invitation.State = state;
        invitation.SentAt = state is InvitationState.Failed ? null : invitation.DueAt;
    }

    private static void Skip(Invitation invitation, SkipReason reason)
    {
        invitation.State = InvitationState.Skipped;
        invitation.SkipReason = reason;
    }
}
