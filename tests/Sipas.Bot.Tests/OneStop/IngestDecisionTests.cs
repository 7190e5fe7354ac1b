using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;
using Sipas.Testing;

namespace Sipas.Bot.Tests.OneStop;

/// <summary>
/// Ingest records why an invitation is not sent at once in the same statement as the invitation (a new unit's
/// first event is written alone, later ones in groups: both paths are used here). Real clock: windows and holidays
/// are placed around the current local time.
/// </summary>
public sealed class IngestDecisionTests : IAsyncDisposable
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    private SipasFactory? _factory;

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    private async Task<HttpClient> StartAsync(Dictionary<string, string?> settings)
    {
        _factory = await SipasFactory.StartAsync(settings);
        return _factory.CreateClient();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory!.ConnectionString);

    private static DateTimeOffset LocalNow => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Vietnam);

    private static string Clock(DateTimeOffset local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static async Task<(Guid Id, JsonObject Answer)> PostAsync(HttpClient client, JsonObject ev)
    {
        using var response = await OneStopClient.PostAsync(client, ev.ToJsonString());
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (Guid.Parse((string)answer["invitationId"]!), answer);
    }

    private async Task<(Invitation Invitation, List<InvitationDecision> Decisions)> StoredAsync(Guid invitationId)
    {
        await using var db = Db();
        var invitation = await db.Invitations.AsNoTracking().Include(i => i.Dossier).SingleAsync(i => i.Id == invitationId);
        var decisions = await db.InvitationDecisions.AsNoTracking().Where(d => d.InvitationId == invitationId).ToListAsync();
        return (invitation, decisions);
    }

    private static JsonElement Parameters(InvitationDecision decision) => JsonDocument.Parse(decision.Parameters!).RootElement;

    [Fact]
    public async Task EventOutsideTheWindow_IsDeferredToItsStart_WithTheWindowRecorded_OnBothWritePaths()
    {
        // A one-hour window starting two hours from now (local), so now is outside it.
        var start = LocalNow.AddHours(2);
        var window = $"{Clock(start)}–{Clock(start.AddHours(1))}";
        var client = await StartAsync(new Dictionary<string, string?>
        {
            ["Survey:DelayAfterReturn"] = "00:00:00",
            ["Survey:AllowedWindow:Start"] = Clock(start),
            ["Survey:AllowedWindow:End"] = Clock(start.AddHours(1)),
        });

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (id, answer) = await PostAsync(client, Fixtures.ResultReturned());

            var (invitation, decisions) = await StoredAsync(id);
            var decision = Assert.Single(decisions);
            Assert.Equal((DecisionKind.Deferred, DecisionRules.Window), (decision.Kind, decision.Rule));
            Assert.Equal(invitation.DueAt, decision.DeferredUntil);
            Assert.Equal(DateTimeOffset.Parse((string)answer["scheduledFor"]!, CultureInfo.InvariantCulture), decision.DeferredUntil);
            Assert.Equal(Clock(start), Clock(TimeZoneInfo.ConvertTime(decision.DeferredUntil!.Value, Vietnam)));
            Assert.Equal(window, Parameters(decision).GetProperty("window").GetString());
            Assert.Equal(invitation.Dossier!.UnitId, decision.UnitId);
        }
    }

    [Fact]
    public async Task EventOnAHoliday_IsDeferredToTheNextDay_WithTheHolidayRecorded()
    {
        var client = await StartAsync(SipasFactory.SendAtOnce());
        var today = DateOnly.FromDateTime(LocalNow.DateTime);
        await using (var db = Db())
        {
            db.Holidays.Add(new Holiday { Date = today, Name = "Ngày lễ thử", Source = "administrator", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var (id, _) = await PostAsync(client, Fixtures.ResultReturned());

        var (invitation, decisions) = await StoredAsync(id);
        var decision = Assert.Single(decisions);
        Assert.Equal((DecisionKind.Deferred, DecisionRules.Holiday), (decision.Kind, decision.Rule));
        Assert.Equal("Ngày lễ thử", Parameters(decision).GetProperty("holiday").GetString());
        var tomorrow = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(7));
        Assert.Equal(tomorrow, invitation.DueAt);
        Assert.Equal(tomorrow, decision.DeferredUntil);
    }

    [Fact]
    public async Task StaleEvent_AndLandline_AreSkipped_WithTheirRules()
    {
        var client = await StartAsync(SipasFactory.SendAtOnce());

        var (stale, _) = await PostAsync(client, Fixtures.ResultReturned(returnedAgo: TimeSpan.FromDays(8)));
        var (landline, _) = await PostAsync(client, Fixtures.ResultReturned(phone: "02438253536"));

        var staleDecision = Assert.Single((await StoredAsync(stale)).Decisions);
        Assert.Equal((DecisionKind.Skipped, DecisionRules.Stale, (DateTimeOffset?)null), (staleDecision.Kind, staleDecision.Rule, staleDecision.DeferredUntil));
        Assert.Equal("7.00:00:00", Parameters(staleDecision).GetProperty("maxEventAge").GetString());
        var landlineDecision = Assert.Single((await StoredAsync(landline)).Decisions);
        Assert.Equal((DecisionKind.Skipped, DecisionRules.NotMobile), (landlineDecision.Kind, landlineDecision.Rule));
    }

    [Fact]
    public async Task EventInsideTheWindow_HasNoDecision_AndTheUnitsOwnDelayApplies()
    {
        var client = await StartAsync(SipasFactory.SendAtOnce());
        await using (var db = Db())
        {
            var unit = new Unit { Id = Guid.CreateVersion7(), Code = "00070", Name = "UBND phường Hoàn Kiếm", Kind = UnitKind.Commune, CreatedAt = DateTimeOffset.UtcNow };
            db.Units.Add(unit);
            db.UnitSendSettings.Add(new UnitSendSettings { UnitId = unit.Id, DelayAfterReturn = TimeSpan.FromHours(2), UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var (id, _) = await PostAsync(client, Fixtures.ResultReturned(returnedAgo: TimeSpan.FromMinutes(10)));

        var (invitation, decisions) = await StoredAsync(id);
        Assert.Empty(decisions);
        Assert.Equal(invitation.Dossier!.ReturnedAt + TimeSpan.FromHours(2), invitation.DueAt);
    }
}
