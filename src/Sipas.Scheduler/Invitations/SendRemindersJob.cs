using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// One reminder for an invitation left unanswered for `Survey:ReminderAfter` (or a chat left half-answered that long:
/// the reminder asks the question it waits on), sent only inside the allowed hours
/// and before the invitation expires. A reminder is claimed (reminded_at set) before it is sent: under a crash the
/// citizen may miss a reminder, but never gets two.
/// </summary>
public sealed class SendRemindersJob(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    SendWindow window,
    IOptions<SurveyOptions> survey,
    TimeProvider time,
    ILogger<SendRemindersJob> logger)
{
    public const string RecurringJobId = "send-reminders";

    private const string ClaimSql = """
        UPDATE invitations SET reminded_at = @now, updated_at = @now
        WHERE id IN (
            SELECT id FROM invitations
            WHERE reminded_at IS NULL AND expires_at > @now
              AND (state IN ('Sent', 'Delivered') AND sent_at <= @answeredBy OR state = 'Started' AND updated_at <= @answeredBy)
            ORDER BY sent_at
            LIMIT 100
            FOR UPDATE SKIP LOCKED)
        RETURNING id
        """;

    [JobDisplayName("Gửi nhắc nhở cho lời mời chưa trả lời")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (window.NextAllowed(now) != now)
        {
            return 0;
        }

        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("answeredBy", now - survey.Value.ReminderAfter);
        var claimed = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(reader.GetGuid(0));
            }
        }

        var sent = 0;
        foreach (var invitationId in claimed)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                sent += await scope.ServiceProvider.GetRequiredService<IReminderSender>().SendReminderAsync(invitationId, cancellationToken) ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The reminder of invitation {InvitationId} could not be sent", invitationId);
            }
        }

        if (claimed.Count > 0)
        {
            logger.LogInformation("Sent {Sent} reminders of {Claimed} due", sent, claimed.Count);
        }

        return sent;
    }
}
