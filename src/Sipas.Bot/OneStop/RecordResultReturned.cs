using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
/// </summary>
public sealed class RecordResultReturned(
    SipasDbContext db,
    OneStopReferences references,
    PersonalDataProtector personalData,
    SendWindow window,
    IOptions<SurveyOptions> survey,
    Failpoints failpoints,
    TimeProvider time,
    ILogger<RecordResultReturned> logger)
{
    public const string EventKind = "one_stop";
    private const string CodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public async Task<RecordOutcome> RecordAsync(string source, ResultReturnedEvent ev, byte[] payload, CancellationToken ct)
    {
        var payloadHash = SHA256.HashData(payload);
        var sourceId = await references.SourceIdAsync(db, source, ct);
        var unitId = await references.UnitIdAsync(db, ev.UnitCode, ev.UnitName, ct);
        Guid? procedureId = ev.ProcedureCode is null ? null : await references.ProcedureIdAsync(db, ev.ProcedureCode, ev.ProcedureName, ct);
        var now = time.GetUtcNow();

        var dossier = NewDossier(ev, sourceId, unitId, procedureId, now);
        var invitation = NewInvitation(dossier, ev, now);
        db.Dossiers.Add(dossier);
        db.Invitations.Add(invitation);
        db.InboundEvents.Add(NewEvent(source, ev.EventId, payload, payloadHash, invitation.Id, now));
        try
        {
            await db.SaveChangesAsync(ct);
            failpoints.Hit(Failpoints.AfterEventCommit);
            logger.LogInformation(
                "Dossier {DossierCode} from {Source} recorded: invitation {InvitationId} {State} for {DueAt:O}",
                ev.DossierCode, source, invitation.Id, invitation.State, invitation.DueAt);
            return new RecordOutcome.Accepted(Summary.Of(invitation));
        }
        catch (DbUpdateException ex) when (UniqueViolation(ex) is { } constraint)
        {
            db.ChangeTracker.Clear();
            return constraint switch
            {
                "ix_inbound_events_kind_source_external_id" => await RepeatedEventAsync(source, ev.EventId, payloadHash, ct),
                "ix_dossiers_code" => await AnotherEventForDossierAsync(source, ev, payload, payloadHash, ct),
                _ => throw new InvalidOperationException($"Unexpected unique violation on {constraint}", ex),
            };
        }
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

    private async Task<RecordOutcome> AnotherEventForDossierAsync(string source, ResultReturnedEvent ev, byte[] payload, byte[] payloadHash, CancellationToken ct)
    {
        var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.Dossier!.Code == ev.DossierCode, ct);
        db.InboundEvents.Add(NewEvent(source, ev.EventId, payload, payloadHash, invitation.Id, time.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (UniqueViolation(ex) == "ix_inbound_events_kind_source_external_id")
        {
            db.ChangeTracker.Clear();
            return await RepeatedEventAsync(source, ev.EventId, payloadHash, ct);
        }

        logger.LogInformation("Event {EventId} is another event about dossier {DossierCode}: no new invitation", ev.EventId, ev.DossierCode);
        return new RecordOutcome.Accepted(Summary.Of(invitation));
    }

    private Dossier NewDossier(ResultReturnedEvent ev, Guid sourceId, Guid unitId, Guid? procedureId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Code = ev.DossierCode,
        SourceId = sourceId,
        UnitId = unitId,
        ProcedureId = procedureId,
        ReceivedAt = ev.ReceivedAt?.ToUniversalTime(),
        DueAt = ev.DueAt?.ToUniversalTime(),
        ReturnedAt = ev.ReturnedAt.ToUniversalTime(),
        ReturnMethod = ev.ReturnMethod,
        OfficialCode = ev.OfficialCode,
        CitizenPhoneEncrypted = personalData.Encrypt(ev.Phone.E164),
        CitizenPhoneHash = personalData.Hash(ev.Phone.E164),
        CitizenNameEncrypted = ev.CitizenName is null ? null : personalData.Encrypt(ev.CitizenName),
        PreferredChannel = ev.PreferredChannel,
        CreatedAt = now,
    };

    private Invitation NewInvitation(Dossier dossier, ResultReturnedEvent ev, DateTimeOffset now)
    {
        SkipReason? skip = now - ev.ReturnedAt > survey.Value.MaxEventAge ? SkipReason.EventTooOld
            : !ev.Phone.IsMobile ? SkipReason.PhoneNotMobile
            : null;
        return new Invitation
        {
            Id = Guid.CreateVersion7(),
            DossierId = dossier.Id,
            Code = RandomNumberGenerator.GetString(CodeAlphabet, 10),
            PhoneHash = dossier.CitizenPhoneHash,
            State = skip is null ? InvitationState.Scheduled : InvitationState.Skipped,
            SkipReason = skip,
            DueAt = window.DueTimeFor(ev.ReturnedAt, now),
            QuestionnaireId = QuestionnaireSeed.ShortV1Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

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
