using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Testing;

/// <summary>Writes dossiers with their invitations straight into a test database, as the one-stop webhook would.</summary>
public sealed class Seed(SipasDbContext db)
{
    public static readonly PersonalDataProtector PersonalData = PersonalDataProtector.FromBase64(TestPostgres.PersonalDataKey);

    public async Task<Unit> UnitAsync(string code = "00070", string name = "UBND phường Hoàn Kiếm", Guid? parentId = null)
    {
        var unit = new Unit { Id = Guid.CreateVersion7(), Code = code, Name = name, Kind = UnitKind.Commune, ParentId = parentId, CreatedAt = DateTimeOffset.UtcNow };
        db.Units.Add(unit);
        await db.SaveChangesAsync();
        return unit;
    }

    public async Task<List<Invitation>> InvitationsAsync(Unit unit, int count, DateTimeOffset dueAt, Func<int, string>? phone = null, DateTimeOffset? returnedAt = null)
    {
        var source = db.OneStopSources.Local.FirstOrDefault() ?? db.OneStopSources.FirstOrDefault();
        if (source is null)
        {
            source = new OneStopSource { Id = Guid.CreateVersion7(), Code = "igate", CreatedAt = DateTimeOffset.UtcNow };
            db.OneStopSources.Add(source);
        }

        var invitations = new List<Invitation>(count);
        for (var n = 0; n < count; n++)
        {
            var e164 = phone?.Invoke(n) ?? $"+8491{n:D7}";
            var contact = await ContactAsync(e164);
            var dossier = new Dossier
            {
                Id = Guid.CreateVersion7(),
                Code = $"TEST-{Guid.NewGuid():N}",
                SourceId = source.Id,
                UnitId = unit.Id,
                ReturnedAt = (returnedAt ?? dueAt.AddMinutes(-30)).ToUniversalTime(),
                CreatedAt = DateTimeOffset.UtcNow,
            };
            var invitation = new Invitation
            {
                Id = Guid.CreateVersion7(),
                DossierId = dossier.Id,
                Code = Guid.NewGuid().ToString("N")[..10],
                ContactId = contact.Id,
                State = InvitationState.Scheduled,
                DueAt = dueAt.ToUniversalTime(),
                QuestionnaireId = QuestionnaireSeed.ShortV1Id,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Dossiers.Add(dossier);
            db.Invitations.Add(invitation);
            invitations.Add(invitation);
        }

        await db.SaveChangesAsync();
        return invitations;
    }

    /// <summary>The contact of a phone, as ingest would create it the first time the phone is seen.</summary>
    public async Task<Contact> ContactAsync(string e164)
    {
        var hash = PersonalData.Hash(e164);
        var known = db.Contacts.Local.FirstOrDefault(c => c.PhoneHash!.AsSpan().SequenceEqual(hash)) ?? db.Contacts.FirstOrDefault(c => c.PhoneHash == hash);
        if (known is not null)
        {
            return known;
        }

        var contact = new Contact { Id = Guid.CreateVersion7(), PhoneHash = hash, PhoneEncrypted = PersonalData.Encrypt(e164), CreatedAt = DateTimeOffset.UtcNow };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact;
    }

    /// <summary>A response to an invitation with the given answers, as a finished chat would leave it.</summary>
    public async Task ResponseAsync(Invitation invitation, bool late = false, params (string Item, AnswerKind Kind, int? Value)[] answers)
    {
        var response = new Response
        {
            Id = Guid.CreateVersion7(),
            InvitationId = invitation.Id,
            QuestionnaireId = invitation.QuestionnaireId,
            Channel = ChannelKind.Simulator,
            StartedAt = DateTimeOffset.UtcNow,
            IsLate = late,
        };
        response.Answers.AddRange(answers.Select(a => new Answer
        {
            Id = Guid.CreateVersion7(),
            ItemCode = a.Item,
            Kind = a.Kind,
            Value = a.Value,
            AnsweredAt = DateTimeOffset.UtcNow,
            IsLate = late,
        }));
        db.Responses.Add(response);
        await db.SaveChangesAsync();
    }
}
