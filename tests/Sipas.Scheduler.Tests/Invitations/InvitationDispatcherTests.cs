using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;
using Sipas.Testing;

namespace Sipas.Scheduler.Tests.Invitations;

public sealed class InvitationDispatcherTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 3, 0, 0, TimeSpan.Zero));
    private readonly RecordingSender _sender = new();
    private ServiceProvider _services = null!;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("dispatch");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scheduler:BatchSize"] = "20",
            ["Scheduler:ClaimLease"] = "00:01:00",
            ["Scheduler:MaxAttempts"] = "3",
            ["Scheduler:RetryDelay"] = "00:01:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSipasData(_connectionString, Seed.PersonalData);
        services.AddSipasScheduler(configuration, runJobServer: false);
        services.AddSingleton<IInvitationSender>(_sender);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private InvitationDispatcher Dispatcher => _services.GetRequiredService<InvitationDispatcher>();

    private async Task<List<Invitation>> SeedAsync(int count, DateTimeOffset dueAt, Func<int, string>? phone = null, Unit? unit = null, DateTimeOffset? returnedAt = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var seed = new Seed(scope.ServiceProvider.GetRequiredService<SipasDbContext>());
        return await seed.InvitationsAsync(unit ?? await UnitAsync(), count, dueAt, phone, returnedAt);
    }

    private async Task<Unit> UnitAsync(Guid? parentId = null)
    {
        await using var scope = _services.CreateAsyncScope();
        return await new Seed(scope.ServiceProvider.GetRequiredService<SipasDbContext>()).UnitAsync(code: "U" + Guid.NewGuid().ToString("N")[..8], parentId: parentId);
    }

    private async Task<List<InvitationDecision>> DecisionsAsync(Guid invitationId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SipasDbContext>().InvitationDecisions.AsNoTracking()
            .Where(d => d.InvitationId == invitationId).OrderBy(d => d.Id).ToListAsync();
    }

    private async Task SaveAsync(object entity)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
        db.Add(entity);
        await db.SaveChangesAsync();
    }

    private static JsonElement Parameters(InvitationDecision decision) => JsonDocument.Parse(decision.Parameters!).RootElement;

    /// <summary>A local (UTC+7) wall-clock time on 20 November 2026, when the test clock starts at 10:00.</summary>
    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(7));

    private async Task<List<Invitation>> LoadAsync(IEnumerable<Guid> ids)
    {
        await using var scope = _services.CreateAsyncScope();
        var set = ids.ToList();
        return await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Invitations.AsNoTracking().Where(i => set.Contains(i.Id)).ToListAsync();
    }

    [Fact]
    public async Task DueInvitations_AreSentOnce_AndRecordedAsDelivered()
    {
        var seeded = await SeedAsync(45, _time.GetUtcNow().AddMinutes(-1));

        var handled = await Dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(45, handled);
        Assert.All(seeded, i => Assert.Equal(1, _sender.Count(i.Id)));
        var stored = await LoadAsync(seeded.Select(i => i.Id));
        Assert.All(stored, i =>
        {
            Assert.Equal(InvitationState.Delivered, i.State);
            Assert.Equal(_time.GetUtcNow(), i.SentAt);
            Assert.Equal(_time.GetUtcNow().AddDays(7), i.ExpiresAt);
            Assert.Null(i.ClaimedUntil);
        });
        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task InvitationsNotYetDue_AreLeftAlone()
    {
        var seeded = await SeedAsync(3, _time.GetUtcNow().AddMinutes(5));

        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.All(seeded, i => Assert.Equal(0, _sender.Count(i.Id)));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, await Dispatcher.DispatchDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentDispatchers_SendEachInvitationExactlyOnce()
    {
        var seeded = await SeedAsync(300, _time.GetUtcNow().AddMinutes(-1));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Dispatcher.DispatchDueAsync(CancellationToken.None))));

        Assert.Equal(300, runs.Sum());
        Assert.All(seeded, i => Assert.Equal(1, _sender.Count(i.Id)));
    }

    [Fact]
    public async Task OptedOutPhone_IsSkipped_WithTheReasonStored()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            db.OptOuts.Add(new OptOut { Id = Guid.CreateVersion7(), ContactId = seeded[0].ContactId, Reason = "keyword", OptedOutAt = _time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Skipped, stored.State);
        Assert.Equal(SkipReason.OptedOut, stored.SkipReason);
        Assert.Equal(0, _sender.Count(seeded[0].Id));
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Skipped, DecisionRules.OptedOut, (DateTimeOffset?)null), (decision.Kind, decision.Rule, decision.DeferredUntil));
        Assert.Equal(_time.GetUtcNow(), decision.At);
    }

    [Fact]
    public async Task TwoInvitationsForOnePhone_InTheFatigueWindow_OnlyOneIsSent()
    {
        var seeded = await SeedAsync(6, _time.GetUtcNow().AddMinutes(-1), phone: _ => "+84987654321");

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = await LoadAsync(seeded.Select(i => i.Id));
        Assert.Single(stored, i => i.State == InvitationState.Delivered);
        Assert.Equal(5, stored.Count(i => i.State == InvitationState.Skipped && i.SkipReason == SkipReason.RecentlySurveyed));
        Assert.Equal(1, seeded.Sum(i => _sender.Count(i.Id)));
        foreach (var skipped in stored.Where(i => i.State == InvitationState.Skipped))
        {
            var decision = Assert.Single(await DecisionsAsync(skipped.Id));
            Assert.Equal((DecisionKind.Skipped, DecisionRules.FatigueCap), (decision.Kind, decision.Rule));
            Assert.Equal(30, Parameters(decision).GetProperty("fatigueWindowDays").GetInt32());
        }

        Assert.Empty(await DecisionsAsync(stored.Single(i => i.State == InvitationState.Delivered).Id));
    }

    [Fact]
    public async Task DispatchersHoldingInvitationsForOnePhoneInDifferentBatches_SendOnlyOne()
    {
        var seeded = await SeedAsync(6, _time.GetUtcNow().AddMinutes(-1), phone: _ => "+84987654322");

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => DispatcherWithBatchesOf(2).DispatchDueAsync(CancellationToken.None))));

        Assert.Equal(6, runs.Sum());
        var stored = await LoadAsync(seeded.Select(i => i.Id));
        Assert.Single(stored, i => i.State == InvitationState.Delivered);
        Assert.Equal(1, seeded.Sum(i => _sender.Count(i.Id)));
    }

    [Fact]
    public async Task InvitationReservedByAnEarlierAttempt_KeepsItsTurn_OverANewerOneForTheSamePhone()
    {
        var seeded = await SeedAsync(2, _time.GetUtcNow().AddMinutes(-1), phone: _ => "+84987654323");
        var retried = seeded.MaxBy(i => i.Id)!;
        await using (var scope = _services.CreateAsyncScope())
        {
            // As a first attempt that failed transiently after its reservation leaves it.
            await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Invitations.Where(i => i.Id == retried.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.SendStartedAt, _time.GetUtcNow().AddMinutes(-5)).SetProperty(i => i.Attempts, 1));
        }

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = await LoadAsync(seeded.Select(i => i.Id));
        Assert.Equal(InvitationState.Delivered, stored.Single(i => i.Id == retried.Id).State);
        Assert.Equal(SkipReason.RecentlySurveyed, stored.Single(i => i.Id != retried.Id).SkipReason);
    }

    private InvitationDispatcher DispatcherWithBatchesOf(int size)
    {
        var settings = _services.GetRequiredService<IOptions<DispatchOptions>>().Value;
        var small = new DispatchOptions
        {
            BatchSize = size, ClaimLease = settings.ClaimLease, MaxAttempts = settings.MaxAttempts, RetryDelay = settings.RetryDelay, Parallelism = settings.Parallelism,
        };
        return ActivatorUtilities.CreateInstance<InvitationDispatcher>(_services, Options.Create(small));
    }

    [Fact]
    public async Task RetryableFailure_IsRetriedLater_ThenFailsAfterTheLastAttempt()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        _sender.Outcome = _ => new SendOutcome.Failed("provider timeout", _time.GetUtcNow().AddMinutes(1));

        await Dispatcher.DispatchDueAsync(CancellationToken.None);
        var afterFirst = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Scheduled, afterFirst.State);
        Assert.Equal(_time.GetUtcNow().AddMinutes(1), afterFirst.DueAt);
        Assert.Equal("provider timeout", afterFirst.LastError);

        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        await Dispatcher.DispatchDueAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var final = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Failed, final.State);
        Assert.Equal(3, final.Attempts);
        Assert.Equal(3, _sender.Count(seeded[0].Id));
        var decisions = await DecisionsAsync(seeded[0].Id);
        Assert.Equal(
            [(DecisionKind.Failed, DecisionRules.ProviderError), (DecisionKind.Failed, DecisionRules.ProviderError), (DecisionKind.Failed, DecisionRules.AttemptsExhausted)],
            decisions.Select(d => (d.Kind, d.Rule)));
        Assert.Equal("planned", Parameters(decisions[0]).GetProperty("retry").GetString());
        Assert.Equal("provider timeout", Parameters(decisions[0]).GetProperty("error").GetString());
        Assert.Equal(afterFirst.DueAt, decisions[0].DeferredUntil);
        Assert.Equal(3, Parameters(decisions[2]).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task PermanentProviderFailure_IsRecordedAsAFinalProviderError()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        _sender.Outcome = _ => new SendOutcome.Failed("twilio: 21211 invalid number", RetryAt: null);

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(InvitationState.Failed, (await LoadAsync([seeded[0].Id])).Single().State);
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Failed, DecisionRules.ProviderError), (decision.Kind, decision.Rule));
        Assert.Equal("none", Parameters(decision).GetProperty("retry").GetString());
    }

    [Fact]
    public async Task InvitationWithNoAttemptLeft_IsNotClaimedAgain_ButFailedWithItsReason()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        await using (var scope = _services.CreateAsyncScope())
        {
            // As a dispatcher that died during the last allowed attempt would have left it.
            await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Invitations.Where(i => i.Id == seeded[0].Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Attempts, 3).SetProperty(i => i.LastError, "provider timeout"));
        }

        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Failed, stored.State);
        Assert.Equal("provider timeout (gave up: no attempt left)", stored.LastError);
        Assert.Equal(0, _sender.Count(seeded[0].Id));
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Failed, DecisionRules.AttemptsExhausted), (decision.Kind, decision.Rule));
        Assert.Equal(3, Parameters(decision).GetProperty("maxAttempts").GetInt32());
    }

    [Fact]
    public async Task InvitationNoProviderCanCarry_IsSkippedWithItsReason_NotFailed()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        _sender.Outcome = _ => new SendOutcome.Skipped(SkipReason.NoChannel);

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Skipped, stored.State);
        Assert.Equal(SkipReason.NoChannel, stored.SkipReason);
        Assert.Equal(DecisionRules.NoChannel, Assert.Single(await DecisionsAsync(seeded[0].Id)).Rule);
    }

    [Fact]
    public async Task AnotherSurveyOpen_DefersWithoutUsingAnAttempt_AndRecordsTheRule()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        var until = _time.GetUtcNow().AddMinutes(30);
        _sender.Outcome = _ => new SendOutcome.Deferred(DecisionRules.OpenSurvey, "open elsewhere", until, """{"channel":"Telegram"}""");

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal((InvitationState.Scheduled, 0, until), (stored.State, stored.Attempts, stored.DueAt));
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Deferred, DecisionRules.OpenSurvey, (DateTimeOffset?)until), (decision.Kind, decision.Rule, decision.DeferredUntil));
        Assert.Equal("Telegram", Parameters(decision).GetProperty("channel").GetString());
    }

    [Fact]
    public async Task DueAfterTheWindowCloses_IsDeferredToTomorrowsStart_ThenSent()
    {
        // 21:00 local: the window (07:00–21:00) has just closed.
        _time.SetUtcNow(Local(20, 21, 0).ToUniversalTime());
        var seeded = await SeedAsync(1, Local(20, 20, 59));

        Assert.Equal(1, await Dispatcher.DispatchDueAsync(CancellationToken.None));

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal((InvitationState.Scheduled, 0, Local(21, 7, 0)), (stored.State, stored.Attempts, stored.DueAt));
        Assert.Equal(0, _sender.Count(seeded[0].Id));
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Deferred, DecisionRules.Window, (DateTimeOffset?)Local(21, 7, 0)), (decision.Kind, decision.Rule, decision.DeferredUntil));
        Assert.Equal("07:00–21:00", Parameters(decision).GetProperty("window").GetString());

        _time.SetUtcNow(Local(21, 6, 59).ToUniversalTime());
        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        _time.SetUtcNow(Local(21, 7, 0).ToUniversalTime());
        Assert.Equal(1, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(InvitationState.Delivered, (await LoadAsync([seeded[0].Id])).Single().State);
        Assert.Single(await DecisionsAsync(seeded[0].Id));
    }

    [Fact]
    public async Task OnAHolidayAddedByAnAdministrator_TheInvitationWaitsForTheNextDay()
    {
        await SaveAsync(new Holiday { Date = new DateOnly(2026, 11, 20), Name = "Ngày Nhà giáo (thử)", Source = "administrator", CreatedAt = _time.GetUtcNow() });
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Deferred, DecisionRules.Holiday, (DateTimeOffset?)Local(21, 7, 0)), (decision.Kind, decision.Rule, decision.DeferredUntil));
        Assert.Equal("Ngày Nhà giáo (thử)", Parameters(decision).GetProperty("holiday").GetString());
        Assert.Equal("2026-11-20", Parameters(decision).GetProperty("holidayDate").GetString());
        Assert.Equal(Local(21, 7, 0), (await LoadAsync([seeded[0].Id])).Single().DueAt);
    }

    [Fact]
    public async Task ReturnOlderThanMaxEventAge_AtDispatch_IsSkippedAsStale()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1), returnedAt: _time.GetUtcNow().AddDays(-7).AddMinutes(-1));

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal((InvitationState.Skipped, SkipReason.EventTooOld), (stored.State, stored.SkipReason));
        Assert.Equal(0, _sender.Count(seeded[0].Id));
        var decision = Assert.Single(await DecisionsAsync(seeded[0].Id));
        Assert.Equal((DecisionKind.Skipped, DecisionRules.Stale), (decision.Kind, decision.Rule));
    }

    [Fact]
    public async Task UnitWindow_InheritedFromItsParent_DefersWhileTheConfiguredOneIsOpen_AndEditsShowAfterTheCacheLifetime()
    {
        var province = await UnitAsync();
        var ward = await UnitAsync(parentId: province.Id);
        await SaveAsync(new UnitSendSettings { UnitId = province.Id, WindowStartMinute = 12 * 60, WindowEndMinute = 13 * 60, UpdatedAt = _time.GetUtcNow() });
        var first = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1), unit: ward);

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var decision = Assert.Single(await DecisionsAsync(first[0].Id));
        Assert.Equal((DecisionRules.Window, (DateTimeOffset?)Local(20, 12, 0)), (decision.Rule, decision.DeferredUntil));
        Assert.Equal("12:00–13:00", Parameters(decision).GetProperty("window").GetString());

        // The ward's own setting, written by an administrator elsewhere: seen once the cached calendar is 30 s old.
        await SaveAsync(new UnitSendSettings { UnitId = ward.Id, WindowStartMinute = 9 * 60, WindowEndMinute = 17 * 60, UpdatedAt = _time.GetUtcNow() });
        var second = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1), unit: ward);
        _time.Advance(TimeSpan.FromSeconds(29));
        await Dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(DecisionRules.Window, Assert.Single(await DecisionsAsync(second[0].Id)).Rule);

        var third = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1), unit: ward);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Empty(await DecisionsAsync(third[0].Id));
        Assert.Equal(1, _sender.Count(third[0].Id));
    }

    [Fact]
    public async Task UncertainSend_CountsAsSent_AndSaysWhyOnTheInvitation()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        _sender.Outcome = _ => new SendOutcome.Sent(ChannelKind.Sms, "twilio", Delivered: false, Uncertain: true);

        await Dispatcher.DispatchDueAsync(CancellationToken.None);

        var stored = (await LoadAsync([seeded[0].Id])).Single();
        Assert.Equal(InvitationState.Sent, stored.State);
        Assert.Contains("not sent again", stored.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimOfADeadDispatcher_RunsOut_AndTheInvitationIsTakenOver()
    {
        var seeded = await SeedAsync(1, _time.GetUtcNow().AddMinutes(-1));
        await using (var scope = _services.CreateAsyncScope())
        {
            // As a dispatcher that claimed the row and then died would have left it.
            await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Invitations.Where(i => i.Id == seeded[0].Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.ClaimedUntil, _time.GetUtcNow().AddMinutes(1)).SetProperty(i => i.Attempts, 1));
        }

        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(1, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(InvitationState.Delivered, (await LoadAsync([seeded[0].Id])).Single().State);
    }

    [Fact]
    public async Task PastTheAnswerWindow_UnansweredInvitationsExpire_AndStartedOnesArePartial()
    {
        var seeded = await SeedAsync(2, _time.GetUtcNow().AddMinutes(-1));
        await Dispatcher.DispatchDueAsync(CancellationToken.None);
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            await db.Invitations.Where(i => i.Id == seeded[1].Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.State, InvitationState.Started));
            db.Conversations.Add(new Conversation
            {
                Id = Guid.CreateVersion7(), InvitationId = seeded[1].Id, Provider = "simulator", ContactId = seeded[1].ContactId, State = ConversationState.Active,
                CurrentPosition = 2, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }

        _time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, await RunExpiryAsync());
        _time.Advance(TimeSpan.FromDays(1.1));
        Assert.Equal(2, await RunExpiryAsync());

        var stored = await LoadAsync(seeded.Select(i => i.Id));
        Assert.Equal(InvitationState.Expired, stored.Single(i => i.Id == seeded[0].Id).State);
        Assert.Equal(InvitationState.Partial, stored.Single(i => i.Id == seeded[1].Id).State);
        await using var check = _services.CreateAsyncScope();
        Assert.Equal(ConversationState.Ended, (await check.ServiceProvider.GetRequiredService<SipasDbContext>().Conversations.SingleAsync(c => c.InvitationId == seeded[1].Id)).State);
    }

    private async Task<int> RunExpiryAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExpireInvitationsJob>().RunAsync(CancellationToken.None);
    }

    private sealed class RecordingSender : IInvitationSender
    {
        private readonly ConcurrentDictionary<Guid, int> _calls = new();

        public Func<Guid, SendOutcome> Outcome { get; set; } = _ => new SendOutcome.Sent(ChannelKind.Simulator, "simulator", Delivered: true);

        public int Count(Guid id) => _calls.GetValueOrDefault(id);

        public Task<IPreparedInvitations> PrepareAsync(IReadOnlyCollection<Guid> invitationIds, CancellationToken cancellationToken) =>
            Task.FromResult<IPreparedInvitations>(new Batch(this, [.. invitationIds]));

        private sealed class Batch(RecordingSender sender, HashSet<Guid> prepared) : IPreparedInvitations
        {
            public Task<SendOutcome> SendAsync(Guid invitationId, DateTimeOffset latestSlot, CancellationToken cancellationToken)
            {
                Assert.Contains(invitationId, prepared);
                sender._calls.AddOrUpdate(invitationId, 1, (_, n) => n + 1);
                return Task.FromResult(sender.Outcome(invitationId));
            }
        }
    }
}
