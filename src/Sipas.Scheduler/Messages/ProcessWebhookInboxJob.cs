using Hangfire;

namespace Sipas.Scheduler.Messages;

/// <summary>
/// Every webhook is stored before it is answered, and handled right after; one whose handling was cut short (a crash,
/// a receipt that came before its message was recorded, a provider answered first and processed later) is handled here.
/// </summary>
public sealed class ProcessWebhookInboxJob(IWebhookInboxProcessor inbox)
{
    public const string RecurringJobId = "process-webhook-inbox";

    [JobDisplayName("Xử lý tin nhắn đến còn chờ (hộp thư webhook)")]
    [AutomaticRetry(Attempts = 0)]
    public Task<int> RunAsync(CancellationToken cancellationToken) => inbox.ProcessWaitingAsync(cancellationToken);
}
