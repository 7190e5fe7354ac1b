using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Staff;
using Sipas.Data.Model;
using Sipas.Scheduler.Dashboard;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Operations;

/// <summary>
/// The Hangfire dashboard over a real socket: sign-in required, read-only for UnitViewers and Supervisors (Hangfire's
/// command dispatchers refuse them), Administrators' commands work and are audited, and a post without the dashboard's
/// anti-forgery token is refused whoever sends it.
/// </summary>
public sealed partial class HangfireDashboardTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private const string Trigger = "/hangfire/recurring/trigger";
    private const string DeleteEnqueued = "/hangfire/jobs/enqueued/delete";

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/hangfire" + SipasDashboard.ResponseRatesPath)]
    public async Task Anonymous_IsRedirectedToSignIn(string path)
    {
        using var client = host.Client();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(StaffPage.SignInPath, response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task AnonymousPost_IsNotRunAsACommand()
    {
        var job = EnqueueJob();
        using var client = host.Client();
        using var response = await client.PostAsync(DeleteEnqueued, Form(job));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("Enqueued", host.StateOf(job));
    }

    [Theory]
    [InlineData(StaffRole.UnitViewer)]
    [InlineData(StaffRole.Supervisor)]
    public async Task ReadOnlyRoles_CannotDeleteOrTriggerJobs_AndTheRefusalIsAudited(StaffRole role)
    {
        var (client, userName) = await host.SignedInAsync(role, role == StaffRole.UnitViewer ? DashboardHost.WardA : null);
        using var _ = client;
        var job = EnqueueJob();
        var token = await TokenAsync(client);

        using var delete = await PostAsync(client, DeleteEnqueued, job, token);
        using var trigger = await PostAsync(client, Trigger, UpdateUnitDailyCountsJob.WholeHistoryJobId, token);

        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, trigger.StatusCode);
        Assert.Equal("Enqueued", host.StateOf(job));
        Assert.Null(host.Recurring(UpdateUnitDailyCountsJob.WholeHistoryJobId).LastJobId);
        var audited = await AuditOfAsync(userName);
        Assert.Contains(audited, e => e.Action == AuditActions.AccessDenied && e.Target == $"{DeleteEnqueued} {job}");
        Assert.Contains(audited, e => e.Action == AuditActions.AccessDenied && e.Target == $"{Trigger} {UpdateUnitDailyCountsJob.WholeHistoryJobId}");
        Assert.DoesNotContain(audited, e => e.Action == AuditActions.DashboardCommand);
    }

    [Fact]
    public async Task ReadOnlyRoles_SeeNoCommandButtons()
    {
        var (client, _) = await host.SignedInAsync(StaffRole.Supervisor);
        using var __ = client;
        var page = await client.GetStringAsync("/hangfire/recurring");

        Assert.DoesNotContain("js-jobs-list-command", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrator_DeletesAndTriggersJobs_AndEachCommandIsAudited()
    {
        var (client, userName) = await host.SignedInAsync(StaffRole.Administrator);
        using var _ = client;
        var job = EnqueueJob();
        var token = await TokenAsync(client);

        using var delete = await PostAsync(client, DeleteEnqueued, job, token);
        using var trigger = await PostAsync(client, "/hangfire/recurring/trigger", UpdateUnitDailyCountsJob.RecurringJobId, token);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, trigger.StatusCode);
        Assert.Equal("Deleted", host.StateOf(job));
        Assert.NotNull(host.Recurring(UpdateUnitDailyCountsJob.RecurringJobId).LastJobId);
        var audited = await AuditOfAsync(userName);
        Assert.Contains(audited, e => e.Action == AuditActions.DashboardCommand && e.Target == $"{DeleteEnqueued} {job}");
        Assert.Contains(audited, e => e.Action == AuditActions.DashboardCommand && e.Target == $"{Trigger} {UpdateUnitDailyCountsJob.RecurringJobId}");
    }

    [Fact]
    public async Task PostWithoutTheAntiforgeryToken_IsRefused_EvenForAnAdministrator()
    {
        var (client, userName) = await host.SignedInAsync(StaffRole.Administrator);
        using var _ = client;
        var job = EnqueueJob();

        using var forged = new HttpRequestMessage(HttpMethod.Post, DeleteEnqueued) { Content = Form(job) };
        forged.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Enqueued", host.StateOf(job));
        Assert.Contains(await AuditOfAsync(userName), e => e.Action == AuditActions.AccessDenied && e.Target == $"{DeleteEnqueued} {job}");
    }

    [Fact]
    public async Task StatisticsPoll_IsNotAuditedAsACommand()
    {
        var (client, userName) = await host.SignedInAsync(StaffRole.Administrator);
        using var _ = client;
        var token = await TokenAsync(client);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/stats")
        {
            Content = new FormUrlEncodedContent([new("metrics[]", "sipas:today-sent"), new("metrics[]", "sipas:oldest-due")]),
        };
        request.Headers.Add("RequestVerificationToken", token);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("sipas:today-sent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await AuditOfAsync(userName), e => e.Action == AuditActions.DashboardCommand);
    }

    [Fact]
    public async Task HomeMetrics_FollowTheViewersScope()
    {
        var (supervisor, _) = await host.SignedInAsync(StaffRole.Supervisor);
        var (viewerOfA, _) = await host.SignedInAsync(StaffRole.UnitViewer, DashboardHost.WardA);
        using var __ = supervisor;
        using var ___ = viewerOfA;

        var everything = await MetricAsync(supervisor, "sipas:oldest-due");
        var wardA = await MetricAsync(viewerOfA, "sipas:oldest-due");

        Assert.Matches("^[0-9]{2}:[0-9]{2} [0-9]{2}/[0-9]{2}$", everything);
        Assert.Equal("không có", wardA);
        var home = WebUtility.HtmlDecode(await viewerOfA.GetStringAsync("/hangfire"));
        Assert.Contains("Lời mời đến hạn lâu nhất chưa gửi", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecurringJobs_RunInHanoiTime_UnderVietnameseNames()
    {
        Assert.All(
            [UpdateUnitDailyCountsJob.RecurringJobId, "dispatch-invitations", "send-reminders", "expire-invitations", "resend-pending-messages", "process-webhook-inbox"],
            id => Assert.Equal("Asia/Ho_Chi_Minh", host.Recurring(id).TimeZoneId));
        var (client, _) = await host.SignedInAsync(StaffRole.Supervisor);
        using var __ = client;

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/hangfire/recurring"));

        Assert.Contains("Gửi lời mời khảo sát đến hạn", page, StringComparison.Ordinal);
        Assert.Contains("Tính số liệu phản hồi theo đơn vị", page, StringComparison.Ordinal);
    }

    /// <summary>One metric's value as the dashboard's statistics poll returns it.</summary>
    private static async Task<string> MetricAsync(HttpClient client, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/stats") { Content = new FormUrlEncodedContent([new("metrics[]", name)]) };
        request.Headers.Add("RequestVerificationToken", await TokenAsync(client));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty(name).GetProperty("value").GetString()!;
    }

    private string EnqueueJob() =>
        host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<UpdateUnitDailyCountsJob>(job => job.RunAsync(CancellationToken.None));

    private static FormUrlEncodedContent Form(string jobId) => new([new("jobs[]", jobId)]);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string jobId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Form(jobId) };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    /// <summary>The token the dashboard's own script sends with its posts, from the page's meta tag.</summary>
    private static async Task<string> TokenAsync(HttpClient client)
    {
        var token = CsrfToken().Match(await client.GetStringAsync("/hangfire/recurring")).Groups[1].Value;
        Assert.NotEmpty(token);
        return WebUtility.HtmlDecode(token);
    }

    private async Task<List<AuditEntry>> AuditOfAsync(string userName)
    {
        await using var db = TestDatabase.Open(host.ConnectionString);
        return await db.AuditEntries.Where(e => e.ActorName == userName).ToListAsync();
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfToken();
}
