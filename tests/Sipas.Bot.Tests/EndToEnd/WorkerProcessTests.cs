using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.EndToEnd;

[Collection(ProcessTests.Name)]
public sealed class WorkerProcessTests
{
    private static SipasDbContext Db(string connectionString) => TestDatabase.Open(connectionString);

    [Fact]
    public async Task TwoWorkerProcesses_OnOneDatabase_SendEachOf1000InvitationsToTwilioExactlyOnce()
    {
        var database = await TestPostgres.CreateDatabaseAsync("two_workers");
        await using (var db = Db(database))
        {
            var seed = new Seed(db);
            await seed.InvitationsAsync(await seed.UnitAsync(), 1000, DateTimeOffset.UtcNow.AddMinutes(-1));
        }

        await using var twilio = await FakeTwilio.StartAsync();
        // Short runs, so that each second's dispatcher run can land on either process.
        var settings = new Dictionary<string, string>(twilio.ServiceSettings()) { ["Scheduler__BatchSize"] = "25", ["Scheduler__MaxRunTime"] = "00:00:01" };
        await using var first = ServiceProcess.Start(database, "worker", settings);
        await using var second = ServiceProcess.Start(database, "worker", settings);

        await using (var db = Db(database))
        {
            await Eventually.WaitForAsync(
                () => db.Invitations.CountAsync(i => i.State == InvitationState.Sent), n => n == 1000, TimeSpan.FromSeconds(180), "1000 invitations to be sent");
            var received = twilio.Received.GroupBy(r => r.To).Select(g => g.Count()).ToList();
            Assert.Equal(1000, received.Count);
            Assert.All(received, count => Assert.Equal(1, count));
            Assert.Equal(1000, await db.OutboundMessages.CountAsync(m => m.State == OutboundState.Accepted));
            Assert.Equal(0, await db.Conversations.CountAsync()); // an SMS carries the link: no chat is opened on a one-way provider
        }

        Assert.False(first.HasExited, first.Output);
        Assert.False(second.HasExited, second.Output);
    }

    [Fact]
    public async Task SampleEvent_IsSentByTheScheduledJob_AnsweredOnThePhone_AndCountedInTheIndex()
    {
        var database = await TestPostgres.CreateDatabaseAsync("quick_start");
        await using var service = ServiceProcess.Start(database, "all");
        await service.WaitReadyAsync();
        using var client = service.Client();

        using (var accepted = await OneStopClient.PostAsync(client, Fixtures.ResultReturned().ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var phone = new SimulatedPhone(client, "0912345678");
        var messages = await Eventually.WaitForAsync(phone.MessagesAsync, m => m.Count > 0, TimeSpan.FromSeconds(30), "the invitation on the simulated phone");
        Assert.Contains("Câu 1/7", messages[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("Câu 2/7", (await phone.SendAsync("5")).Single(), StringComparison.Ordinal);

        await StaffSessions.SignInAsync(client, StaffSessions.FirstAdministrator);
        var index = (await client.GetFromJsonAsync<JsonObject>("/api/v1/index?unit=00070&from=2000-01-01&to=2100-12-31"))!["index"]!;
        Assert.Equal(1, (int)index["sipas"]!["n"]!);
        Assert.Equal(100.00, (double)index["sipas"]!["percent"]!);
        Assert.Equal(1, (int)index["funnel"]!["invited"]!);
        Assert.Equal(1, (int)index["funnel"]!["completed"]!);

        using var dashboard = await client.GetAsync("/hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("dispatch-invitations", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
