using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
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
    NpgsqlDataSource dataSource,
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

    /// <summary>
    /// The three rows of a new event as one statement, because ingest cost is dominated by round trips and per-statement
    /// work (BENCHMARKS.md): it is one round trip, it commits on its own (no BEGIN, no COMMIT round trip), and the
    /// shared data source auto-prepares it, so PostgreSQL parses and plans it once per connection. A unique violation
    /// in any of the three inserts aborts all three.
    /// </summary>
    private const string InsertEventSql = """
        WITH dossier AS (
            INSERT INTO dossiers (id, code, source_id, unit_id, procedure_id, received_at, due_at, returned_at, return_method, official_code,
                                  citizen_phone_encrypted, citizen_phone_hash, citizen_name_encrypted, preferred_channel, created_at)
            VALUES (@dossier_id, @dossier_code, @source_id, @unit_id, @procedure_id, @received_at, @dossier_due_at, @returned_at, @return_method, @official_code,
                    @phone_encrypted, @phone_hash, @name_encrypted, @preferred_channel, @now)
        ), invitation AS (
            INSERT INTO invitations (id, dossier_id, code, phone_hash, state, skip_reason, due_at, attempts, questionnaire_id, created_at, updated_at)
            VALUES (@invitation_id, @dossier_id, @invitation_code, @phone_hash, @state, @skip_reason, @invitation_due_at, 0, @questionnaire_id, @now, @now)
        )
        INSERT INTO inbound_events (id, kind, source, external_id, payload_encrypted, payload_sha256, invitation_id, received_at)
        VALUES (@event_id, @kind, @source, @external_id, @payload_encrypted, @payload_sha256, @invitation_id, @now)
        """;

    public async Task<RecordOutcome> RecordAsync(string source, ResultReturnedEvent ev, byte[] payload, CancellationToken ct)
    {
        var payloadHash = SHA256.HashData(payload);
        var now = time.GetUtcNow();
        var dossier = NewDossier(ev, now);
        var invitation = NewInvitation(dossier, ev, now);
        var inbound = NewEvent(source, ev.EventId, payload, payloadHash, invitation.Id, now);
        try
        {
            await InsertAsync(source, ev, dossier, invitation, inbound, now, ct);
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

        failpoints.Hit(Failpoints.AfterEventCommit);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Dossier {DossierCode} from {Source} recorded: invitation {InvitationId} {State} for {DueAt:O}",
                ev.DossierCode, source, invitation.Id, invitation.State, invitation.DueAt);
        }

        return new RecordOutcome.Accepted(Summary.Of(invitation));
    }

    /// <summary>
    /// With every reference code known, the statement runs alone and commits itself. A code seen for the first time is
    /// inserted in the same transaction as the event, so a refused event leaves no unit or procedure behind, and is
    /// cached only once that transaction has committed.
    /// </summary>
    private async Task InsertAsync(
        string source, ResultReturnedEvent ev, Dossier dossier, Invitation invitation, InboundEvent inbound, DateTimeOffset now, CancellationToken ct)
    {
        if (references.Cached(source, ev) is { } known)
        {
            await using var command = dataSource.CreateCommand(InsertEventSql);
            AddParameters(command.Parameters, known, dossier, invitation, inbound);
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var resolved = await references.ResolveAsync(connection, source, ev, now, ct);
        await using (var command = new NpgsqlCommand(InsertEventSql, connection, transaction))
        {
            AddParameters(command.Parameters, resolved, dossier, invitation, inbound);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        references.Remember(source, ev, resolved);
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, EventReferences ids, Dossier dossier, Invitation invitation, InboundEvent inbound)
    {
        parameters.Add(Parameter("dossier_id", NpgsqlDbType.Uuid, dossier.Id));
        parameters.Add(Parameter("dossier_code", NpgsqlDbType.Text, dossier.Code));
        parameters.Add(Parameter("source_id", NpgsqlDbType.Uuid, ids.SourceId));
        parameters.Add(Parameter("unit_id", NpgsqlDbType.Uuid, ids.UnitId));
        parameters.Add(Parameter("procedure_id", NpgsqlDbType.Uuid, ids.ProcedureId));
        parameters.Add(Parameter("received_at", NpgsqlDbType.TimestampTz, dossier.ReceivedAt));
        parameters.Add(Parameter("dossier_due_at", NpgsqlDbType.TimestampTz, dossier.DueAt));
        parameters.Add(Parameter("returned_at", NpgsqlDbType.TimestampTz, dossier.ReturnedAt));
        parameters.Add(Parameter("return_method", NpgsqlDbType.Text, dossier.ReturnMethod?.ToString()));
        parameters.Add(Parameter("official_code", NpgsqlDbType.Text, dossier.OfficialCode));
        parameters.Add(Parameter("phone_encrypted", NpgsqlDbType.Bytea, dossier.CitizenPhoneEncrypted));
        parameters.Add(Parameter("phone_hash", NpgsqlDbType.Bytea, dossier.CitizenPhoneHash));
        parameters.Add(Parameter("name_encrypted", NpgsqlDbType.Bytea, dossier.CitizenNameEncrypted));
        parameters.Add(Parameter("preferred_channel", NpgsqlDbType.Text, dossier.PreferredChannel?.ToString()));
        parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, dossier.CreatedAt));
        parameters.Add(Parameter("invitation_id", NpgsqlDbType.Uuid, invitation.Id));
        parameters.Add(Parameter("invitation_code", NpgsqlDbType.Text, invitation.Code));
        parameters.Add(Parameter("state", NpgsqlDbType.Text, invitation.State.ToString()));
        parameters.Add(Parameter("skip_reason", NpgsqlDbType.Text, invitation.SkipReason?.ToString()));
        parameters.Add(Parameter("invitation_due_at", NpgsqlDbType.TimestampTz, invitation.DueAt));
        parameters.Add(Parameter("questionnaire_id", NpgsqlDbType.Uuid, invitation.QuestionnaireId));
        parameters.Add(Parameter("event_id", NpgsqlDbType.Uuid, inbound.Id));
        parameters.Add(Parameter("kind", NpgsqlDbType.Text, inbound.Kind));
        parameters.Add(Parameter("source", NpgsqlDbType.Text, inbound.Source));
        parameters.Add(Parameter("external_id", NpgsqlDbType.Text, inbound.ExternalId));
        parameters.Add(Parameter("payload_encrypted", NpgsqlDbType.Bytea, inbound.PayloadEncrypted));
        parameters.Add(Parameter("payload_sha256", NpgsqlDbType.Bytea, inbound.PayloadSha256));
    }

    /// <summary>Every parameter has its type set, so a null does not change the statement's signature and its prepared plan.</summary>
    private static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

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
