using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.EndToEnd;

/// <summary>
/// Kills the real service at the two dangerous moments (right after an event's commit, and between sending an
/// invitation and recording it) and proves that a restarted service loses nothing and sends nothing twice.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CrashRecoveryTests
{
    private static SipasDbContext Db(string connectionString) => TestDatabase.Open(connectionString);

    [Fact]
    public async Task KilledRightAfterTheEventCommit_TheInvitationSurvives_IsSentOnce_AndTheRetryIsNotCountedTwice()
    {
        var database = await TestPostgres.CreateDatabaseAsync("crash_event");
        var ev = Fixtures.ResultReturned().ToJsonString();
        await using (var doomed = ServiceProcess.Start(database, "web", new Dictionary<string, string> { ["Sipas__Failpoints__" + Failpoints.AfterEventCommit] = "crash" }))
        {
            await doomed.WaitReadyAsync();
            using var client = doomed.Client();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => OneStopClient.PostAsync(client, ev));
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }

        await using (var db = Db(database))
        {
            var invitation = await db.Invitations.SingleAsync();
            Assert.Equal(InvitationState.Scheduled, invitation.State);
            Assert.Equal(1, await db.InboundEvents.CountAsync());
        }

        await using var restarted = ServiceProcess.Start(database, "all");
        await restarted.WaitReadyAsync();
        using (var client = restarted.Client())
        {
            // The one-stop system never got an answer, so it sends the same event again.
            using var retry = await OneStopClient.PostAsync(client, ev);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await using (var db = Db(database))
        {
            var sent = await Eventually.WaitForAsync(
                () => db.Invitations.AsNoTracking().SingleAsync(), i => i.State == InvitationState.Delivered, what: "the invitation to be sent");
            Assert.Equal(1, await db.OutboundMessages.CountAsync(m => m.InvitationId == sent.Id && m.Purpose == MessagePurpose.Invitation));
            Assert.Equal(1, await db.Dossiers.CountAsync());
            Assert.Equal(1, await db.InboundEvents.CountAsync());
        }
    }

    [Fact]
    public async Task KilledInTheMiddleOfABatch_EveryInvitationIsSentExactlyOnce_AfterRestart()
    {
        var database = await TestPostgres.CreateDatabaseAsync("crash_batch");
        List<Invitation> seeded;
        await using (var db = Db(database))
        {
            var seed = new Seed(db);
            seeded = await seed.InvitationsAsync(await seed.UnitAsync(), 40, DateTimeOffset.UtcNow.AddMinutes(-1));
        }

        var settings = new Dictionary<string, string>
        {
            ["Scheduler__BatchSize"] = "20",
            ["Scheduler__Parallelism"] = "4",
            ["Scheduler__ClaimLease"] = "00:00:03",
        };
        await using (var doomed = ServiceProcess.Start(database, "worker", new Dictionary<string, string>(settings) { ["Sipas__Failpoints__" + Failpoints.AfterInvitationSend] = "crash@15" }))
        {
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }

        await using (var db = Db(database))
        {
            // The crash window itself: messages handed to the channel whose invitations were never marked sent.
            var handedOver = await db.OutboundMessages.Where(m => m.Purpose == MessagePurpose.Invitation).Select(m => m.InvitationId).ToListAsync();
            var recorded = await db.Invitations.Where(i => i.SentAt != null).Select(i => (Guid?)i.Id).ToListAsync();
            Assert.NotEmpty(handedOver.Except(recorded));
            Assert.True(recorded.Count < 40);
        }

        await using var restarted = ServiceProcess.Start(database, "worker", settings);
        await using (var db = Db(database))
        {
            await Eventually.WaitForAsync(
                () => db.Invitations.CountAsync(i => i.State == InvitationState.Delivered), n => n == 40, TimeSpan.FromSeconds(60), "all 40 invitations to be sent");
            var perInvitation = await db.OutboundMessages.Where(m => m.Purpose == MessagePurpose.Invitation)
                .GroupBy(m => m.InvitationId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(40, perInvitation.Count);
            Assert.All(perInvitation, count => Assert.Equal(1, count));
            Assert.Equal(40, await db.Conversations.CountAsync());
            Assert.All(await db.Invitations.AsNoTracking().ToListAsync(), i => Assert.Contains(i.Id, seeded.Select(s => s.Id)));
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public static class ProcessTests
{
    public const string Name = "Service processes";
}
