using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Diagnostics;

namespace Sipas.Bot.Channels;

/// <summary>
/// Providers paused after a configuration error (wrong credentials, unregistered sender, template refused…): every
/// citizen would fail alike, so no message goes there until the pause ends (<c>Channels:PauseAfterConfigurationError</c>)
/// or an operator resumes it, and invitations fall back to the next channel. The pause is stored, so every process
/// honours it; each process reads it at most every few seconds.
/// </summary>
public sealed class ProviderPauses(IServiceScopeFactory scopes, IOptions<ChannelOptions> options, SipasMetrics metrics, TimeProvider time, ILogger<ProviderPauses> logger)
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);
    private volatile Snapshot _snapshot = new(DateTimeOffset.MinValue, new Dictionary<string, DateTimeOffset>());

    /// <summary>Until when the provider is paused, or null when it may be used.</summary>
    public async ValueTask<DateTimeOffset?> PausedUntilAsync(string provider, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _snapshot.ReadAt > RefreshEvery)
        {
            await RefreshAsync(ct);
        }

        return _snapshot.PausedUntil.TryGetValue(provider, out var until) && until > now ? until : null;
    }

    public async Task PauseAsync(string provider, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var until = now + options.Value.PauseAfterConfigurationError;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO channel_provider_states (provider, paused_until, pause_reason, updated_at) VALUES ({provider}, {until}, {StoredText.Cut(reason)}, {now})
                ON CONFLICT (provider) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason, updated_at = excluded.updated_at
                """,
                ct);
        }

        metrics.ProviderPaused(provider);
        logger.LogCritical(
            "Provider {Provider} paused until {Until:O} after a configuration error; its messages wait and invitations fall back to the next channel. Fix the account, then run the `provider resume {Provider}` command. Error: {Error}",
            provider, until, provider, reason);
        await RefreshAsync(ct);
    }

    /// <summary>Ends the provider's pause now; false when it was not paused.</summary>
    public async Task<bool> ResumeAsync(string provider, CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (!await ResumeAsync(scope.ServiceProvider.GetRequiredService<SipasDbContext>(), provider, time.GetUtcNow(), ct))
            {
                return false;
            }
        }

        await RefreshAsync(ct);
        return true;
    }

    /// <summary>The stored side of a resume, shared with the `provider resume` command (running services see it at their next refresh).</summary>
    public static async Task<bool> ResumeAsync(SipasDbContext db, string provider, DateTimeOffset now, CancellationToken ct) =>
        await db.ChannelProviderStates.Where(p => p.Provider == provider && p.PausedUntil > now)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PausedUntil, (DateTimeOffset?)null).SetProperty(p => p.UpdatedAt, now), ct) > 0;

    private async Task RefreshAsync(CancellationToken ct)
    {
        // Two senders may refresh at once now and then; both read the same rows.
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
        var paused = await db.ChannelProviderStates.AsNoTracking()
            .Where(p => p.PausedUntil > now)
            .ToDictionaryAsync(p => p.Provider, p => p.PausedUntil!.Value, ct);
        _snapshot = new Snapshot(now, paused);
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyDictionary<string, DateTimeOffset> PausedUntil);
}
