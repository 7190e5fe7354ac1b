using Npgsql;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// How fast invitations can go out, as the channels' configured rate limits allow. Implemented by the web host
/// (<c>Channels:RateLimits</c>), which knows the providers.
/// </summary>
public interface IInvitationSendRate
{
    /// <summary>Invitations per second the dispatcher may hand to the provider most invitations go to (the first of the default routing order); null when it has no limit.</summary>
    double? PerSecond { get; }
}

/// <param name="DueNow">Invitations due now and not yet sent (state Scheduled, due time passed).</param>
/// <param name="OldestDueAt">The due time of the oldest of them; null when none is due.</param>
/// <param name="ExpectedDrain">How long sending them takes at the rate limit; zero when none is due, null when there is no limit to compute it from.</param>
public sealed record Backlog(int DueNow, DateTimeOffset? OldestDueAt, TimeSpan? ExpectedDrain);

/// <summary>The invitations waiting to go out and how long they take to drain: one indexed count (the dispatcher's own partial index).</summary>
public sealed class BacklogEstimate(NpgsqlDataSource dataSource, IInvitationSendRate rate, TimeProvider time)
{
    private const string CountSql = "SELECT count(*)::int, min(due_at) FROM invitations WHERE state = 'Scheduled' AND due_at <= @now";

    public async Task<Backlog> ComputeAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(CountSql);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var due = reader.GetInt32(0);
        DateTimeOffset? oldest = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        return new Backlog(due, oldest, Drain(due, rate.PerSecond));
    }

    /// <summary>The time <paramref name="due"/> sends take at <paramref name="perSecond"/>.</summary>
    public static TimeSpan? Drain(int due, double? perSecond) =>
        due == 0 ? TimeSpan.Zero : perSecond is { } r && r > 0 ? TimeSpan.FromSeconds(due / r) : null;
}
