using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.EndToEnd;

/// <summary>
/// Kills the real service at the two dangerous moments (right after an event's commit, and between a provider's
/// answer and its record) and proves, counting what the provider received, that a restarted service loses no
/// event and sends no citizen a second message.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CrashRecoveryTests
{
    private static SipasDbContext Db(string connectionString) => TestDatabase.Open(connectionString);

    [Fact]
    public async Task KilledRightAfterTheEventCommit_TheInvitationSurvives_IsSentOnce_AndTheRetryIsNotCountedTwice()
    {
        var database = await TestPostgres.CreateDatabaseAsync("crash_event");
        await using var twilio = await FakeTwilio.StartAsync();
        var ev = Fixtures.ResultReturned(phone: "0912345678").ToJsonString();
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

        await using var restarted = ServiceProcess.Start(database, "all", twilio.ServiceSettings());
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
                () => db.Invitations.AsNoTracking().SingleAsync(), i => i.State == InvitationState.Sent, what: "the invitation to be sent");
            Assert.Equal("+84912345678", Assert.Single(twilio.Received).To);
            Assert.Equal(OutboundState.Accepted, (await db.OutboundMessages.SingleAsync(m => m.InvitationId == sent.Id)).State);
            Assert.Equal(1, await db.Dossiers.CountAsync());
            Assert.Equal(1, await db.InboundEvents.CountAsync());
        }
    }

    [Fact]
    public async Task KilledBetweenTheProviderCallAndItsRecord_NoCitizenGetsASecondMessage_AndEveryInvitationEndsSent()
    {
        var database = await FortyDueInvitationsAsync("crash_batch");
        await using var twilio = await FakeTwilio.StartAsync();
        var settings = new Dictionary<string, string>(WorkerSettings(twilio)) { ["Scheduler__Parallelism"] = "4" };
        await using (var doomed = ServiceProcess.Start(database, "worker", new Dictionary<string, string>(settings) { ["Sipas__Failpoints__" + Failpoints.AfterProviderCall] = "crash@15" }))
        {
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }

        var receivedAtCrash = twilio.Received.Count;
        await using (var db = Db(database))
        {
            // The crash window itself: calls Twilio answered whose outcome was never recorded.
            Assert.InRange(receivedAtCrash, 15, 40);
            Assert.NotEqual(0, await db.OutboundMessages.CountAsync(m => m.State == OutboundState.Sending));
        }

        await using var restarted = ServiceProcess.Start(database, "worker", settings);
        await using (var db = Db(database))
        {
            // Generous: a process killed while holding one of Hangfire's distributed locks (the recurring-job
            // scheduler takes one every second) blocks the next process's scheduler until the lock times out.
            try
            {
                await Eventually.WaitForAsync(
                    () => db.Invitations.CountAsync(i => i.State == InvitationState.Sent), n => n == 40, TimeSpan.FromSeconds(180), "all 40 invitations to be sent");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(ex.Message + "\nThe restarted worker said:\n" + restarted.Output, ex);
            }

            var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.Purpose == MessagePurpose.Invitation).ToListAsync();
            var received = twilio.Received.GroupBy(r => r.To).ToDictionary(g => g.Key, g => g.Count());

            // At most once: no phone reached Twilio twice, whatever the crash interrupted.
            Assert.All(received, phone => Assert.Equal(1, phone.Value));
            // Every message Twilio took and we recorded reached it exactly once; the ones the crash cut off are marked unknown, not repeated.
            Assert.All(messages.Where(m => m.State == OutboundState.Accepted), m => Assert.Equal(1, received.GetValueOrDefault(Seed.PersonalData.Decrypt(m.RecipientEncrypted))));
            Assert.InRange(messages.Count(m => m.State == OutboundState.Unknown), 1, 4);
            Assert.Equal(40, messages.Count(m => m.State is OutboundState.Accepted or OutboundState.Unknown));
            Assert.Equal(0, await db.Conversations.CountAsync()); // an SMS carries the link: no chat is opened on a one-way provider
        }
    }

    [Fact]
    public async Task KilledAfterABatchWasSentButBeforeItsOutcomesWereRecorded_TheRestartRecordsThemWithoutSendingAgain()
    {
        var database = await FortyDueInvitationsAsync("crash_record");
        await using var twilio = await FakeTwilio.StartAsync();
        var settings = WorkerSettings(twilio);
        await using (var doomed = ServiceProcess.Start(database, "worker", new Dictionary<string, string>(settings) { ["Sipas__Failpoints__" + Failpoints.AfterInvitationSend] = "crash" }))
        {
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }

        await using (var db = Db(database))
        {
            // The crash window: at least one whole batch handed to Twilio with its messages recorded, its invitations
            // not (two dispatch jobs may have been sending a batch each when the first reached the failpoint).
            Assert.InRange(twilio.Received.Count, 20, 40);
            Assert.Equal(twilio.Received.Count, await db.OutboundMessages.CountAsync(m => m.State == OutboundState.Accepted));
            Assert.InRange(await db.Invitations.CountAsync(i => i.State == InvitationState.Scheduled), 20, 40);
        }

        await using var restarted = ServiceProcess.Start(database, "worker", settings);
        await using (var db = Db(database))
        {
            await Eventually.WaitForAsync(
                () => db.Invitations.CountAsync(i => i.State == InvitationState.Sent), n => n == 40, TimeSpan.FromSeconds(180), "all 40 invitations to be sent");
        }

        Assert.Equal(40, twilio.Received.Count);
        Assert.All(twilio.Received.GroupBy(r => r.To), phone => Assert.Single(phone));
    }

    private static async Task<string> FortyDueInvitationsAsync(string name)
    {
        var database = await TestPostgres.CreateDatabaseAsync(name);
        await using var db = Db(database);
        var seed = new Seed(db);
        await seed.InvitationsAsync(await seed.UnitAsync(), 40, DateTimeOffset.UtcNow.AddMinutes(-1));
        return database;
    }

    /// <summary>A worker sending through the fake in batches of 20, with a short claim lease so a dead worker's claims run out quickly.</summary>
    private static Dictionary<string, string> WorkerSettings(FakeTwilio twilio) => new(twilio.ServiceSettings())
    {
        ["Scheduler__BatchSize"] = "20",
        ["Scheduler__ClaimLease"] = "00:00:03",
        ["Messages__SendTimeout"] = "00:00:01",
    };
}

[CollectionDefinition(Name, DisableParallelization = true)]
public static class ProcessTests
{
    public const string Name = "Service processes";
}
