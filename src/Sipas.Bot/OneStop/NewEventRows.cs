using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.OneStop;

/// <summary>
/// The rows a new event adds: its dossier, the dossier's invitation, the event itself, the citizen's contact unless
/// their phone is known already (then the invitation joins the existing contact), and the decision not to send at once
/// when there is one (skipped: stale or not a mobile; deferred: the window or a holiday moved the due time).
/// </summary>
public sealed record NewEventRows(EventReferences Ids, Contact Contact, Dossier Dossier, Invitation Invitation, InboundEvent Event, PolicyDecision? Decision)
{
    private const string CodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The rows of an event whose references are resolved: the invitation is scheduled by the unit's calendar, or skipped.</summary>
    public static NewEventRows Of(EventReferences ids, Contact contact, Dossier dossier, InboundEvent ev, bool mobile, SendCalendar calendar, DateTimeOffset now)
    {
        var (dueAt, deferral) = calendar.DueTime(ids.UnitId, dossier.ReturnedAt, now);
        SkipReason? skip = calendar.IsStale(dossier.ReturnedAt, now) ? SkipReason.EventTooOld : !mobile ? SkipReason.PhoneNotMobile : null;
        var decision = skip switch
        {
            SkipReason.EventTooOld => calendar.Stale(dossier.ReturnedAt),
            SkipReason.PhoneNotMobile => PolicyDecision.Skipped(DecisionRules.NotMobile, new { numberType = "fixed-line or unknown" }),
            _ => deferral,
        };
        var invitation = new Invitation
        {
            Id = ev.InvitationId ?? Guid.CreateVersion7(),
            DossierId = dossier.Id,
            Code = RandomNumberGenerator.GetString(CodeAlphabet, 10),
            State = skip is null ? InvitationState.Scheduled : InvitationState.Skipped,
            SkipReason = skip,
            DueAt = dueAt,
            QuestionnaireId = QuestionnaireSeed.ShortV1Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return new NewEventRows(ids, contact, dossier, invitation, ev, decision);
    }

    /// <summary>
    /// One statement for the rows of any number of events, because ingest cost is dominated by per-statement and
    /// per-commit work rather than by the rows (BENCHMARKS.md): it is one round trip, it commits on its own, its text
    /// is the same whatever the number of events (one array per column), so the shared data source auto-prepares it
    /// once per connection, and a unique violation in any of its inserts aborts them all.
    /// </summary>
    private const string InsertSql = """
        WITH new AS (
            SELECT * FROM unnest(
                @dossier_id, @dossier_code, @source_id, @unit_id, @procedure_id, @received_at, @dossier_due_at, @returned_at,
                @return_method, @official_code, @contact_id, @phone_encrypted, @phone_hash, @name_encrypted, @preferred_channel,
                @invitation_id, @invitation_code, @state, @skip_reason, @invitation_due_at, @questionnaire_id,
                @event_id, @kind, @source, @external_id, @payload_encrypted, @payload_sha256, @now,
                @decision_kind, @decision_rule, @decision_parameters, @decision_until)
            AS t(dossier_id, dossier_code, source_id, unit_id, procedure_id, received_at, dossier_due_at, returned_at,
                 return_method, official_code, contact_id, phone_encrypted, phone_hash, name_encrypted, preferred_channel,
                 invitation_id, invitation_code, state, skip_reason, invitation_due_at, questionnaire_id,
                 event_id, kind, source, external_id, payload_encrypted, payload_sha256, now,
                 decision_kind, decision_rule, decision_parameters, decision_until)
        ), contact AS (
            -- DO UPDATE (not NOTHING) so a phone already known returns its contact too; DISTINCT ON because a group may hold one phone twice.
            INSERT INTO contacts (id, phone_hash, phone_encrypted, created_at)
            SELECT DISTINCT ON (phone_hash) contact_id, phone_hash, phone_encrypted, now FROM new ORDER BY phone_hash
            ON CONFLICT (phone_hash) DO UPDATE SET phone_hash = excluded.phone_hash
            RETURNING id, phone_hash
        ), dossier AS (
            INSERT INTO dossiers (id, code, source_id, unit_id, procedure_id, received_at, due_at, returned_at, return_method, official_code,
                                  citizen_name_encrypted, preferred_channel, created_at)
            SELECT dossier_id, dossier_code, source_id, unit_id, procedure_id, received_at, dossier_due_at, returned_at, return_method, official_code,
                   name_encrypted, preferred_channel, now
            FROM new
        ), invitation AS (
            INSERT INTO invitations (id, dossier_id, code, contact_id, state, skip_reason, due_at, attempts, questionnaire_id, created_at, updated_at)
            SELECT invitation_id, dossier_id, invitation_code, contact.id, state, skip_reason, invitation_due_at, 0, questionnaire_id, now, now
            FROM new JOIN contact USING (phone_hash)
        ), decision AS (
            INSERT INTO invitation_decisions (invitation_id, unit_id, at, kind, rule, parameters, deferred_until)
            SELECT invitation_id, unit_id, now, decision_kind, decision_rule, decision_parameters::jsonb, decision_until
            FROM new WHERE decision_rule IS NOT NULL
        )
        INSERT INTO inbound_events (id, kind, source, external_id, payload_encrypted, payload_sha256, invitation_id, received_at)
        SELECT event_id, kind, source, external_id, payload_encrypted, payload_sha256, invitation_id, now
        FROM new
        """;

    public static NpgsqlCommand InsertCommand(NpgsqlConnection connection, IReadOnlyList<NewEventRows> events)
    {
        var command = new NpgsqlCommand(InsertSql, connection);
        var p = command.Parameters;
        p.Add(Column("dossier_id", NpgsqlDbType.Uuid, events, e => e.Dossier.Id));
        p.Add(Column("dossier_code", NpgsqlDbType.Text, events, e => e.Dossier.Code));
        p.Add(Column("source_id", NpgsqlDbType.Uuid, events, e => e.Ids.SourceId));
        p.Add(Column("unit_id", NpgsqlDbType.Uuid, events, e => e.Ids.UnitId));
        p.Add(Column("procedure_id", NpgsqlDbType.Uuid, events, e => e.Ids.ProcedureId));
        p.Add(Column("received_at", NpgsqlDbType.TimestampTz, events, e => e.Dossier.ReceivedAt));
        p.Add(Column("dossier_due_at", NpgsqlDbType.TimestampTz, events, e => e.Dossier.DueAt));
        p.Add(Column("returned_at", NpgsqlDbType.TimestampTz, events, e => e.Dossier.ReturnedAt));
        p.Add(Column("return_method", NpgsqlDbType.Text, events, e => e.Dossier.ReturnMethod?.ToString()));
        p.Add(Column("official_code", NpgsqlDbType.Text, events, e => e.Dossier.OfficialCode));
        p.Add(Column("contact_id", NpgsqlDbType.Uuid, events, e => e.Contact.Id));
        p.Add(Column("phone_encrypted", NpgsqlDbType.Bytea, events, e => e.Contact.PhoneEncrypted));
        p.Add(Column("phone_hash", NpgsqlDbType.Bytea, events, e => e.Contact.PhoneHash));
        p.Add(Column("name_encrypted", NpgsqlDbType.Bytea, events, e => e.Dossier.CitizenNameEncrypted));
        p.Add(Column("preferred_channel", NpgsqlDbType.Text, events, e => e.Dossier.PreferredChannel?.ToString()));
        p.Add(Column("invitation_id", NpgsqlDbType.Uuid, events, e => e.Invitation.Id));
        p.Add(Column("invitation_code", NpgsqlDbType.Text, events, e => e.Invitation.Code));
        p.Add(Column("state", NpgsqlDbType.Text, events, e => e.Invitation.State.ToString()));
        p.Add(Column("skip_reason", NpgsqlDbType.Text, events, e => e.Invitation.SkipReason?.ToString()));
        p.Add(Column("invitation_due_at", NpgsqlDbType.TimestampTz, events, e => e.Invitation.DueAt));
        p.Add(Column("questionnaire_id", NpgsqlDbType.Uuid, events, e => e.Invitation.QuestionnaireId));
        p.Add(Column("event_id", NpgsqlDbType.Uuid, events, e => e.Event.Id));
        p.Add(Column("kind", NpgsqlDbType.Text, events, e => e.Event.Kind));
        p.Add(Column("source", NpgsqlDbType.Text, events, e => e.Event.Source));
        p.Add(Column("external_id", NpgsqlDbType.Text, events, e => e.Event.ExternalId));
        p.Add(Column("payload_encrypted", NpgsqlDbType.Bytea, events, e => e.Event.PayloadEncrypted));
        p.Add(Column("payload_sha256", NpgsqlDbType.Bytea, events, e => e.Event.PayloadSha256));
        p.Add(Column("now", NpgsqlDbType.TimestampTz, events, e => e.Event.ReceivedAt));
        p.Add(Column("decision_kind", NpgsqlDbType.Text, events, e => e.Decision?.Kind.ToString()));
        p.Add(Column("decision_rule", NpgsqlDbType.Text, events, e => e.Decision?.Rule));
        p.Add(Column("decision_parameters", NpgsqlDbType.Text, events, e => e.Decision?.Parameters));
        p.Add(Column("decision_until", NpgsqlDbType.TimestampTz, events, e => e.Decision?.DeferredUntil));
        return command;
    }

    private static NpgsqlParameter<T[]> Column<T>(string name, NpgsqlDbType type, IReadOnlyList<NewEventRows> events, Func<NewEventRows, T> value)
    {
        var values = new T[events.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(events[i]);
        }

        return new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = values };
    }
}
