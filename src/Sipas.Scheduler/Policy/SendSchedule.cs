using Microsoft.Extensions.Options;
using Npgsql;

namespace Sipas.Scheduler.Policy;

/// <summary>
/// The current <see cref="SendCalendar"/>: the units' send settings and the holidays, which administrators edit in
/// another process, read again once the last reading is older than <c>Survey:SettingsCacheTtl</c> (30 s). One round
/// trip reads all three tables; callers between readings get the cached calendar without a database call.
/// </summary>
public sealed class SendSchedule(NpgsqlDataSource dataSource, IOptions<SurveyOptions> options, TimeProvider time) : IDisposable
{
    private const string ReadSql = """
        SELECT id, parent_id FROM units;
        SELECT unit_id, delay_after_return, window_start_minute, window_end_minute FROM unit_send_settings;
        SELECT date, name FROM holidays;
        """;

    private readonly SemaphoreSlim _reading = new(1, 1);
    private SendCalendar? _current;

    /// <summary>The calendar, read again first when it is older than the cache's lifetime.</summary>
    public ValueTask<SendCalendar> CurrentAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        return current is not null && time.GetUtcNow() - current.ReadAt < options.Value.SettingsCacheTtl
            ? ValueTask.FromResult(current)
            : new ValueTask<SendCalendar>(RefreshAsync(ct));
    }

    /// <summary>Forgets the cached calendar, so the next call reads the tables (after a write in this process, e.g. seeding).</summary>
    public void Invalidate() => Volatile.Write(ref _current, null);

    public void Dispose() => _reading.Dispose();

    private async Task<SendCalendar> RefreshAsync(CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            var current = _current;
            if (current is not null && time.GetUtcNow() - current.ReadAt < options.Value.SettingsCacheTtl)
            {
                return current;
            }

            var readAt = time.GetUtcNow();
            var parents = new Dictionary<Guid, Guid?>();
            var settings = new List<UnitSettingsRow>();
            var holidays = new Dictionary<DateOnly, string>();
            await using (var command = dataSource.CreateCommand(ReadSql))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    parents[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetGuid(1);
                }

                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    settings.Add(new UnitSettingsRow(
                        reader.GetGuid(0),
                        reader.IsDBNull(1) ? null : reader.GetFieldValue<TimeSpan>(1),
                        reader.IsDBNull(2) ? null : reader.GetInt32(2),
                        reader.IsDBNull(3) ? null : reader.GetInt32(3)));
                }

                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    holidays[reader.GetFieldValue<DateOnly>(0)] = reader.GetString(1);
                }
            }

            current = new SendCalendar(options.Value, parents, settings, holidays, readAt);
            Volatile.Write(ref _current, current);
            return current;
        }
        finally
        {
            _reading.Release();
        }
    }
}
