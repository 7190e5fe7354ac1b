using Hangfire;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// The recurring Hangfire job that drives the dispatcher. One job run handles many invitations, so Hangfire's
/// own throughput (a few hundred jobs/s on PostgreSQL) never limits how many invitations go out.
/// </summary>
public sealed class DispatchInvitationsJob(InvitationDispatcher dispatcher)
{
    public const string RecurringJobId = "dispatch-invitations";

    // The next recurring run is the retry; Hangfire's own retries would only pile up runs.
    [JobDisplayName("Gửi lời mời khảo sát đến hạn")]
    [AutomaticRetry(Attempts = 0)]
    public Task<int> RunAsync(CancellationToken cancellationToken) => dispatcher.DispatchDueAsync(cancellationToken);
}
