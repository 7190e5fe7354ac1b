using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Scheduler.Dashboard;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Operations;

/// <summary>
/// The real web host on Kestrel, on a loopback port (a real socket, not the in-process test server), with a province
/// and two wards whose invitations are in known states, and the counts job run over them.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string Province = "79";
    public const string WardA = "79-A";
    public const string WardB = "79-B";

    /// <summary>Ward B's name holds markup: the page must show it as text.</summary>
    public const string WardBName = "Phường Bến <b>Thành</b> & Co";

    private SipasFactory _factory = null!;
    private WebApplicationFactory<Program> _host = null!;

    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => _host.Services;

    public string ConnectionString => _factory.ConnectionString;

    public async Task InitializeAsync()
    {
        _factory = new SipasFactory(await TestPostgres.CreateDatabaseAsync("dashboard"), new Dictionary<string, string?> { ["Dashboard:LowResponseRate"] = "0.4" });
        _host = _factory.WithWebHostBuilder(_ => { });
        _host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        Address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await SeedAsync();
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UpdateUnitDailyCountsJob>().RecomputeAllAsync(CancellationToken.None);
    }

    /// <summary>A browser-like client of the socket: cookies kept, redirects not followed.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Address };

    /// <summary>A new account with the role (and scope unit), and a client signed in as it through the sign-in form.</summary>
    public async Task<(HttpClient Client, string UserName)> SignedInAsync(StaffRole role, string? unitCode = null)
    {
        var userName = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..24];
        await StaffSessions.CreateAsync(Services, userName, role, unitCode);
        var client = Client();
        await StaffSessions.SignInAsync(client, userName);
        return (client, userName);
    }

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    public string? StateOf(string jobId)
    {
        using var connection = Storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    public RecurringJobDto Recurring(string id)
    {
        using var connection = Storage.GetConnection();
        return connection.GetRecurringJobs().Single(j => j.Id == id);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }

    /// <summary>
    /// Yesterday: ward A has 2 completed, 1 sent and unanswered, 1 skipped (opted out) by SMS; ward B has 1 completed,
    /// 1 partial and 1 failed on Zalo, and one still scheduled, due an hour ago. Twenty days ago ward A had one more
    /// completed. The province has none of its own.
    /// </summary>
    private async Task SeedAsync()
    {
        await using var db = TestDatabase.Open(ConnectionString);
        var seed = new Seed(db);
        var province = await seed.UnitAsync(Province, "Tỉnh Thử Nghiệm");
        province.Kind = UnitKind.Province;
        var a = await seed.UnitAsync(WardA, "Phường An Khánh", province.Id);
        var b = await seed.UnitAsync(WardB, WardBName, province.Id);
        var yesterday = DateTimeOffset.UtcNow.AddDays(-1);
        var sent = yesterday.AddHours(1);

        var ofA = await seed.InvitationsAsync(a, 4, yesterday, n => $"+8491100{n:D4}", yesterday);
        Move(ofA[0], InvitationState.Completed, ChannelKind.Sms, sent, delivered: true, started: true);
        Move(ofA[1], InvitationState.Completed, ChannelKind.Sms, sent, delivered: false, started: true);
        Move(ofA[2], InvitationState.Sent, ChannelKind.Sms, sent, delivered: false, started: false);
        ofA[3].State = InvitationState.Skipped;
        ofA[3].SkipReason = SkipReason.OptedOut;

        var ofB = await seed.InvitationsAsync(b, 3, yesterday, n => $"+8491200{n:D4}", yesterday);
        Move(ofB[0], InvitationState.Completed, ChannelKind.Zalo, sent, delivered: false, started: true);
        Move(ofB[1], InvitationState.Partial, ChannelKind.Zalo, sent, delivered: false, started: true);
        ofB[2].State = InvitationState.Failed;
        ofB[2].Channel = ChannelKind.Zalo;

        // Due an hour ago and not sent yet: the home page's "oldest due" for whoever sees ward B.
        await seed.InvitationsAsync(b, 1, DateTimeOffset.UtcNow.AddHours(-1), n => $"+8491400{n:D4}", yesterday);

        var longAgo = DateTimeOffset.UtcNow.AddDays(-20);
        var old = await seed.InvitationsAsync(a, 1, longAgo, n => $"+8491300{n:D4}", longAgo);
        Move(old[0], InvitationState.Completed, ChannelKind.Sms, longAgo.AddHours(1), delivered: true, started: true);
        await db.SaveChangesAsync();
    }

    private static void Move(Invitation invitation, InvitationState state, ChannelKind channel, DateTimeOffset sentAt, bool delivered, bool started)
    {
        invitation.State = state;
        invitation.Channel = channel;
        invitation.SentAt = sentAt;
        invitation.DeliveredAt = delivered ? sentAt.AddMinutes(1) : null;
        invitation.StartedAt = started ? sentAt.AddMinutes(5) : null;
        invitation.CompletedAt = state == InvitationState.Completed ? sentAt.AddMinutes(9) : null;
    }
}
