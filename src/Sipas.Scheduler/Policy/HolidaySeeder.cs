using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Sipas.Scheduler.Policy;

/// <summary>
/// Seeds Vietnam's public holidays (<see cref="VietnamHolidays"/>) for the current year and the next, each year once:
/// the year's marker row and its days go in one statement, and a year already marked adds nothing, so an
/// administrator's deletion or change of a seeded day stands. A day already in the table (added by hand) is kept.
/// </summary>
public sealed class HolidaySeeder(NpgsqlDataSource dataSource, SendWindow window, SendSchedule schedule, TimeProvider time, ILogger<HolidaySeeder> logger)
{
    private const string SeedSql = """
        WITH marked AS (
            INSERT INTO holiday_seed_years (year, seeded_at) VALUES (@year, @now) ON CONFLICT (year) DO NOTHING RETURNING year
        )
        INSERT INTO holidays (date, name, source, created_at)
        SELECT d.date, d.name, d.source, @now FROM unnest(@dates, @names, @sources) AS d(date, name, source)
        WHERE EXISTS (SELECT 1 FROM marked)
        ON CONFLICT (date) DO NOTHING
        """;

    /// <summary>Seeds the years not seeded yet among this one and the next (local calendar); returns how many days were added.</summary>
    public async Task<int> SeedAsync(CancellationToken ct)
    {
        var thisYear = TimeZoneInfo.ConvertTime(time.GetUtcNow(), window.Zone).Year;
        var added = 0;
        foreach (var year in new[] { thisYear, thisYear + 1 })
        {
            added += await SeedYearAsync(year, ct);
        }

        if (added > 0)
        {
            schedule.Invalidate();
        }

        return added;
    }

    private async Task<int> SeedYearAsync(int year, CancellationToken ct)
    {
        var days = VietnamHolidays.For(year);
        await using var command = dataSource.CreateCommand(SeedSql);
        command.Parameters.AddWithValue("year", year);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]>("dates", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = [.. days.Select(d => d.Date)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. days.Select(d => d.Name)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("sources", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. days.Select(d => d.Source)] });
        var added = await command.ExecuteNonQueryAsync(ct);
        if (added > 0)
        {
            logger.LogInformation("Seeded {Count} public holidays of {Year}; administrators may edit them (Tết's days are fixed each year by the Prime Minister)", added, year);
        }

        return added;
    }
}

/// <summary>The daily job that seeds next year's holidays once the year turns, so the list never runs out.</summary>
public sealed class SeedHolidaysJob(HolidaySeeder seeder, IOptions<SurveyOptions> options)
{
    public const string RecurringJobId = "seed-holidays";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Thêm ngày nghỉ lễ của năm tới vào danh sách")]
    public Task<int> RunAsync(CancellationToken cancellationToken) => options.Value.SeedHolidays ? seeder.SeedAsync(cancellationToken) : Task.FromResult(0);
}

/// <summary>Seeds at start in a process that runs jobs, so a fresh installation knows today's holidays before the first daily run.</summary>
public sealed class SeedHolidaysAtStart(HolidaySeeder seeder, IOptions<SurveyOptions> options, ILogger<SeedHolidaysAtStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedHolidays)
        {
            return;
        }

        try
        {
            await seeder.SeedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The daily job tries again; an invitation sent on a holiday is a smaller harm than a service that will not start.
            logger.LogWarning(ex, "Seeding the public holidays failed; the daily job '{JobId}' will try again", SeedHolidaysJob.RecurringJobId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
