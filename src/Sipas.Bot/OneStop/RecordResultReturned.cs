using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Stores a "result returned" event with its dossier and the dossier's one invitation in a single transaction.
/// The unique indexes decide duplicates: the same event id is a repeat (or a conflict when its body differs),
/// and a second event about the same dossier is logged against the invitation the dossier already has.
/// An event whose source, unit and procedure are known is committed in a group with the events that arrive with it
/// (<see cref="EventGroupWriter"/>); one with a new code, or from a group that failed, is written alone.
/// </summary>
public sealed class RecordResultReturned(
    NpgsqlDataSource dataSource,
    EventGroupWriter writer,
    SipasDbContext db,
    OneStopReferences references,
    PersonalDataProtector personalData,
    SendSchedule schedule,
    Failpoints failpoints,
    TimeProvider time,
    ILogger<RecordResultReturned> logger)
{
    public const string EventKind = "one_stop";

    public async Task<RecordOutcome> RecordAsync(string source, ResultReturnedEvent ev, byte[] payload, CancellationToken ct)
    {
        var payloadHash = SHA256.HashData(payload);
        var now = time.GetUtcNow();
        var calendar = await schedule.CurrentAsync(ct);
        var contact = NewContact(ev, now);
        var dossier = NewDossier(ev, now);
        var inbound = NewEvent(source, ev.EventId, payload, payloadHash, Guid.CreateVersion7(), now);
        NewEventRows Rows(EventReferences ids) => NewEventRows.Of(ids, contact, dossier, inbound, ev.Phone.IsMobile, calendar, now);
        var rows = references.Cached(source, ev) is { } known ? Rows(known) : null;
        if (rows is null || !await writer.TryWriteAsync(rows, ct))
        {
            try
            {
                rows = await WriteAloneAsync(source, ev, Rows, now, ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return ex.ConstraintName switch
                {
                    "ix_inbound_events_kind_source_external_id" => await RepeatedEventAsync(source, ev.EventId, payloadHash, ct),
                    "ix_dossiers_code" => await AnotherEventForDossierAsync(source, ev, payload, payloadHash, ct),
                    _ => throw new InvalidOperationException($"Unexpected unique violation on {ex.ConstraintName}", ex),
                };
            }
        }

        failpoints.Hit(Failpoints.AfterEventCommit);
        var invitation = rows.Invitation;
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Dossier {DossierCode} from {Source} recorded: invitation {InvitationId} {State} for {DueAt:O}",
                ev.DossierCode, source, invitation.Id, invitation.State, invitation.DueAt);
        }

        return new RecordOutcome.Accepted(Summary.Of(invitation));
    }

    /// <summary>
    /// The event alone in its own transaction, which also inserts the reference codes seen for the first time, so an
    /// event refused here leaves no unit or procedure behind; they are cached only once it has committed. A unique
    /// violation says which kind of repeat this is.
    /// </summary>
    private async Task<NewEventRows> WriteAloneAsync(
        string source, ResultReturnedEvent ev, Func<EventReferences, NewEventRows> rowsFor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var ids = references.Cached(source, ev) ?? await references.ResolveAsync(connection, source, ev, now, ct);
        var rows = rowsFor(ids);
        await using (var command = NewEventRows.InsertCommand(connection, [rows]))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        references.Remember(source, ev, ids);
        return rows;
    }

    private async Task<RecordOutcome> RepeatedEventAsync(string source, string eventId, byte[] payloadHash, CancellationToken ct)
    {
        var earlier = await db.InboundEvents.AsNoTracking()
            .Where(e => e.Kind == EventKind && e.Source == source && e.ExternalId == eventId)
            .Select(e => new { e.PayloadSha256, e.InvitationId })
            .SingleAsync(ct);
        if (!earlier.PayloadSha256.AsSpan().SequenceEqual(payloadHash))
        {
            return new RecordOutcome.Conflict();
        }

        var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == earlier.InvitationId, ct);
        return new RecordOutcome.Repeated(Summary.Of(invitation));
    }

    /// <summary>Logs the event against the dossier's invitation; its new reference codes are recorded with it, as a first event's are.</summary>
    private async Task<RecordOutcome> AnotherEventForDossierAsync(string source, ResultReturnedEvent ev, byte[] payload, byte[] payloadHash, CancellationToken ct)
    {
        var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.Dossier!.Code == ev.DossierCode, ct);
        var now = time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var ids = references.Cached(source, ev) ?? await references.ResolveAsync((NpgsqlConnection)db.Database.GetDbConnection(), source, ev, now, ct);
            db.InboundEvents.Add(NewEvent(source, ev.EventId, payload, payloadHash, invitation.Id, now));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (UniqueViolation(ex) == "ix_inbound_events_kind_source_external_id")
            {
                db.ChangeTracker.Clear();
                await transaction.RollbackAsync(ct);
                return await RepeatedEventAsync(source, ev.EventId, payloadHash, ct);
            }

            await transaction.CommitAsync(ct);
            references.Remember(source, ev, ids);
        }

        logger.LogInformation("Event {EventId} is another event about dossier {DossierCode}: no new invitation", ev.EventId, ev.DossierCode);
        return new RecordOutcome.Accepted(Summary.Of(invitation));
    }

    /// <summary>The citizen's contact, inserted only if their phone is new (the insert joins an existing one otherwise).</summary>
    private Contact NewContact(ResultReturnedEvent ev, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        PhoneHash = personalData.Hash(ev.Phone.E164),
        PhoneEncrypted = personalData.Encrypt(ev.Phone.E164),
        CreatedAt = now,
    };

    /// <summary>The dossier's own fields; its source, unit and procedure ids are bound when it is inserted.</summary>
    private Dossier NewDossier(ResultReturnedEvent ev, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Code = ev.DossierCode,
        ReceivedAt = ev.ReceivedAt?.ToUniversalTime(),
        DueAt = ev.DueAt?.ToUniversalTime(),
        ReturnedAt = ev.ReturnedAt.ToUniversalTime(),
        ReturnMethod = ev.ReturnMethod,
        OfficialCode = ev.OfficialCode,
        CitizenNameEncrypted = ev.CitizenName is null ? null : personalData.Encrypt(ev.CitizenName),
        PreferredChannel = ev.PreferredChannel,
        CreatedAt = now,
    };

    private InboundEvent NewEvent(string source, string eventId, byte[] payload, byte[] payloadHash, Guid invitationId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = EventKind,
        Source = source,
        ExternalId = eventId,
        PayloadEncrypted = personalData.Encrypt(payload),
        PayloadSha256 = payloadHash,
        InvitationId = invitationId,
        ReceivedAt = now,
    };

    private static string? UniqueViolation(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg ? pg.ConstraintName : null;
}

public sealed record Summary(Guid InvitationId, InvitationState State, SkipReason? SkipReason, DateTimeOffset DueAt)
{
    public static Summary Of(Invitation invitation) => new(invitation.Id, invitation.State, invitation.SkipReason, invitation.DueAt);
}

public abstract record RecordOutcome
{
    public sealed record Accepted(Summary Invitation) : RecordOutcome;

    public sealed record Repeated(Summary Invitation) : RecordOutcome;

    public sealed record Conflict : RecordOutcome;
}
