using Microsoft.Extensions.Options;
using Npgsql;

namespace Sipas.Bot.Channels;

/// <summary>
/// Paces sends to each provider at its configured rate (<c>Channels:RateLimits:{provider}</c>, messages per second),
/// shared by every worker process through PostgreSQL: a generic cell rate algorithm whose one row per provider holds
/// the time the next message is due. Each send reserves the next slot with one atomic upsert and waits for it (the messenger, right before the call), so a
/// morning backlog drains at the limit instead of collecting 429s. Unset or 0: no limit, no round trip.
/// </summary>
public sealed class RateLimiter(NpgsqlDataSource dataSource, IOptions<ChannelOptions> options)
{
    // The database's clock decides, so processes whose clocks differ still share one schedule.
    private const string ReserveSql = """
        INSERT INTO rate_limit_slots (key, theoretical_arrival) VALUES (@key, clock_timestamp() + @interval)
        ON CONFLICT (key) DO UPDATE SET theoretical_arrival = greatest(rate_limit_slots.theoretical_arrival, clock_timestamp()) + @interval
        RETURNING theoretical_arrival - @interval, clock_timestamp()
        """;

    /// <summary>Reserves the provider's next slot: when it starts (the database's clock) and how long from now that is; null without a limit.</summary>
    public async Task<RateSlot?> ReserveAsync(string provider, CancellationToken ct)
    {
        if (!options.Value.RateLimits.TryGetValue(provider, out var perSecond) || perSecond <= 0)
        {
            return null;
        }

        await using var command = dataSource.CreateCommand(ReserveSql);
        command.Parameters.AddWithValue("key", provider);
        command.Parameters.AddWithValue("interval", TimeSpan.FromSeconds(1 / perSecond));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var startsAt = reader.GetFieldValue<DateTimeOffset>(0);
        return new RateSlot(startsAt, startsAt - reader.GetFieldValue<DateTimeOffset>(1));
    }
}

/// <summary>A reserved send slot: when it starts, and the wait until then (zero or negative: now).</summary>
public sealed record RateSlot(DateTimeOffset StartsAt, TimeSpan Wait);
