using Microsoft.Extensions.Options;
using Npgsql;

namespace Sipas.Bot.Channels;

/// <summary>
/// Paces sends to each provider at its configured rate (<c>Channels:RateLimits:{provider}</c>, messages per second),
/// shared by every worker process through PostgreSQL: a generic cell rate algorithm whose one row per provider holds
/// the time the next message is due. Each send reserves the next slot with one atomic upsert and waits for it (the messenger, right before the call;
/// within a process, sends are also kept one interval apart), so a
/// morning backlog drains at the limit instead of collecting 429s. Unset or 0: no limit, no round trip.
/// </summary>
public sealed class RateLimiter(NpgsqlDataSource dataSource, IOptions<ChannelOptions> options, TimeProvider time)
{
    // Per provider, when this process may send next: after a pause of the process (GC, scheduling), sends whose
    // slots have passed leave one interval apart instead of all at once.
    private readonly Dictionary<string, long> _nextLocalSend = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends are paced this far under the configured limit: a request reaches the provider a little after its slot
    /// (scheduling, a pause of the runtime), and a late one arriving with the next on-time one must still fit the
    /// provider's small burst allowance. Measured: at 100% of a 100/s limit a strict provider answered a few 429s;
    /// at 97% none (BENCHMARKS.md).
    /// </summary>
    public const double Headroom = 0.97;

    // The database's clock decides, so processes whose clocks differ still share one schedule.
    private const string ReserveSql = """
        INSERT INTO rate_limit_slots (key, theoretical_arrival) VALUES (@key, clock_timestamp() + @interval)
        ON CONFLICT (key) DO UPDATE SET theoretical_arrival = greatest(rate_limit_slots.theoretical_arrival, clock_timestamp()) + @interval
        RETURNING theoretical_arrival - @interval, clock_timestamp()
        """;

    /// <summary>
    /// Waits for this send's turn: the provider's next shared slot (<paramref name="reserved"/> when the caller reserved it
    /// already), and at least one interval after this process's previous send to it. Returns how long it waited (zero
    /// without a limit).
    /// </summary>
    public async Task<TimeSpan> WaitTurnAsync(string provider, RateSlot? reserved, CancellationToken ct)
    {
        if ((reserved ?? await ReserveAsync(provider, ct)) is not { } slot || RateOf(provider) is not { } perSecond)
        {
            return TimeSpan.Zero;
        }

        var interval = Interval(perSecond);
        var now = time.GetTimestamp();
        long turn;
        lock (_nextLocalSend)
        {
            var shared = now + (long)(Math.Max(0, (slot.StartsAt - time.GetUtcNow()).TotalSeconds) * time.TimestampFrequency);
            turn = Math.Max(shared, _nextLocalSend.GetValueOrDefault(provider));
            _nextLocalSend[provider] = turn + (long)(interval.TotalSeconds * time.TimestampFrequency);
        }

        var wait = time.GetElapsedTime(now, turn);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
        }

        return wait;
    }

    /// <summary>Reserves the provider's next slot: when it starts (the database's clock) and how long from now that is; null without a limit.</summary>
    public async Task<RateSlot?> ReserveAsync(string provider, CancellationToken ct)
    {
        if (RateOf(provider) is not { } perSecond)
        {
            return null;
        }

        await using var command = dataSource.CreateCommand(ReserveSql);
        command.Parameters.AddWithValue("key", provider);
        command.Parameters.AddWithValue("interval", Interval(perSecond));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var startsAt = reader.GetFieldValue<DateTimeOffset>(0);
        return new RateSlot(startsAt, startsAt - reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>The provider's configured messages per second; null when it has no limit.</summary>
    public double? RateOf(string provider) => options.Value.RateLimits.TryGetValue(provider, out var perSecond) && perSecond > 0 ? perSecond : null;

    private static TimeSpan Interval(double perSecond) => TimeSpan.FromSeconds(1 / (perSecond * Headroom));
}

/// <summary>A reserved send slot: when it starts, and the wait until then (zero or negative: now).</summary>
public sealed record RateSlot(DateTimeOffset StartsAt, TimeSpan Wait);
