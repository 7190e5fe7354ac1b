using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;

namespace Sipas.Bot.Operations.Metrics;

/// <summary>
/// Feeds the dispatcher-lag gauge: every <see cref="Options.Interval"/> it reads the due time of the oldest
/// scheduled invitation whose time has come (one row from the dispatcher's own partial index, under a timeout).
/// A scrape only reads the remembered value, so `/metrics` never waits on the database.
/// </summary>
public sealed class DispatchLagProbe(
    IServiceScopeFactory scopes, SipasMetrics metrics, IOptions<DispatchLagProbe.Options> options, TimeProvider time, ILogger<DispatchLagProbe> logger)
    : BackgroundService
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            await ProbeAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            var now = time.GetUtcNow();
            var oldest = await db.Invitations.AsNoTracking()
                .Where(i => i.State == InvitationState.Scheduled && i.DueAt <= now)
                .OrderBy(i => i.DueAt)
                .Select(i => (DateTimeOffset?)i.DueAt)
                .FirstOrDefaultAsync(timeout.Token);
            metrics.OldestDueInvitationIs(oldest);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The gauge keeps its last value and keeps ageing, which is what a stuck database looks like from outside.
            logger.LogWarning("Reading the dispatcher lag failed: {Error}", ex.GetType().Name + ": " + ex.Message);
        }
    }

    public sealed class Options
    {
        public const string Section = "Sipas:Metrics";

        /// <summary>`Sipas:Metrics:LagProbeInterval`: how often the oldest due invitation is read.</summary>
        public TimeSpan LagProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

        internal TimeSpan Interval => LagProbeInterval > TimeSpan.Zero ? LagProbeInterval : TimeSpan.FromSeconds(15);
    }
}
