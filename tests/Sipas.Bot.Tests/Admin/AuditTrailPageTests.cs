using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Staff;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Admin;

/// <summary>/admin/audit: read-only, newest first, filtered; Supervisors read everything, an Administrator their subtree and their own entries.</summary>
public sealed class AuditTrailPageTests(AdminHost host) : IClassFixture<AdminHost>
{
    private const string Path = "/admin/audit";

    private async Task<string> AddEntryAsync(Guid? unitId, string action, DateTimeOffset at, string? actorName = null, Guid? actorId = null)
    {
        var target = "muc-" + Guid.NewGuid().ToString("N")[..10];
        await using var db = host.Db();
        db.AuditEntries.Add(new AuditEntry { At = at.ToUniversalTime(), ActorId = actorId, ActorName = actorName ?? "nguoi-khac", Action = action, Target = target, UnitId = unitId, After = """{"note":"<b>không phải thẻ</b>"}""" });
        await db.SaveChangesAsync();
        return target;
    }

    [Fact]
    public async Task UnitViewer_IsRefused_WithAnAuditedDenial()
    {
        var staff = await host.SignInAsync(StaffRole.UnitViewer, "WA");

        using var response = await staff.Client.GetAsync(Path);

        await host.AssertDeniedAsync(response, staff, "GET", Path);
    }

    [Fact]
    public async Task ScopedAdministrator_ReadsTheirSubtreesEntriesAndTheirOwn_SupervisorReadsAll()
    {
        var now = DateTimeOffset.UtcNow;
        var inA = await AddEntryAsync(host.WardA.Id, AuditActions.UnitSettingsUpdated, now);
        var inB = await AddEntryAsync(host.WardB.Id, AuditActions.UnitSettingsUpdated, now);
        var deploymentWide = await AddEntryAsync(null, AuditActions.HolidaysUpdated, now);
        var admin = await host.SignInAsync(StaffRole.Administrator, "WA");
        Guid adminId;
        await using (var db = host.Db())
        {
            adminId = db.Users.Single(u => u.UserName == admin.UserName).Id;
        }

        var ownOutsideTheSubtree = await AddEntryAsync(null, AuditActions.PasswordChanged, now, admin.UserName, adminId);
        var supervisor = await host.SignInAsync(StaffRole.Supervisor);

        var adminPage = await admin.Client.GetStringAsync(Path);
        var supervisorPage = await supervisor.Client.GetStringAsync(Path);

        Assert.Contains(inA, adminPage, StringComparison.Ordinal);
        Assert.Contains(ownOutsideTheSubtree, adminPage, StringComparison.Ordinal);
        Assert.Contains($"<td>{admin.UserName}</td><td>Đăng nhập<br><code>sign-in</code>", adminPage, StringComparison.Ordinal);
        Assert.DoesNotContain(inB, adminPage, StringComparison.Ordinal);
        Assert.DoesNotContain(deploymentWide, adminPage, StringComparison.Ordinal);
        Assert.Contains(inA, supervisorPage, StringComparison.Ordinal);
        Assert.Contains(inB, supervisorPage, StringComparison.Ordinal);
        Assert.Contains(deploymentWide, supervisorPage, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;không phải thẻ&lt;/b&gt;", supervisorPage, StringComparison.Ordinal);
        Assert.True(supervisorPage.IndexOf($"<td>{supervisor.UserName}</td>", StringComparison.Ordinal) < supervisorPage.IndexOf(inA, StringComparison.Ordinal), "newest first");
    }

    [Fact]
    public async Task Filters_ByActionUserAndDay_NarrowTheEntries()
    {
        var day = new DateTimeOffset(2026, 3, 14, 23, 30, 0, TimeSpan.FromHours(7));
        var late = await AddEntryAsync(host.WardA.Id, AuditActions.StaffCreated, day, "Nguoi-Loc");
        var nextDay = await AddEntryAsync(host.WardA.Id, AuditActions.StaffCreated, day.AddHours(1), "nguoi-loc");
        var otherAction = await AddEntryAsync(host.WardA.Id, AuditActions.StaffDisabled, day, "nguoi-loc");
        var staff = await host.SignInAsync(StaffRole.Supervisor);

        var page = await staff.Client.GetStringAsync($"{Path}?action=staff.create&user=NGUOI-LOC&day=14/03/2026");

        Assert.Contains(late, page, StringComparison.Ordinal);
        Assert.DoesNotContain(nextDay, page, StringComparison.Ordinal);
        Assert.DoesNotContain(otherAction, page, StringComparison.Ordinal);
        var wildcard = await staff.Client.GetStringAsync($"{Path}?user=nguoi%25");
        Assert.DoesNotContain(late, wildcard, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?day=hôm qua", "day", "“hôm qua” không phải một ngày hợp lệ")]
    [InlineData("?action=audit.delete", "action", "Thao tác không hợp lệ")]
    public async Task BadFilters_Answer400WithTheFieldsMessage(string query, string field, string message)
    {
        var staff = await host.SignInAsync(StaffRole.Supervisor);

        using var response = await staff.Client.GetAsync(Path + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<p class=\"field-error\" id=\"{field}-error\">{message}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRouteChangesOrDeletesAnEntry()
    {
        var routes = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(Path, StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

        var route = Assert.Single(routes);
        Assert.Equal(["GET"], route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods);
        var staff = await host.SignInAsync(StaffRole.Administrator);
        var token = await Support.StaffSessions.AntiforgeryTokenAsync(staff.Client, "/admin/account");
        using var post = await staff.Client.PostAsync(Path, new FormUrlEncodedContent([new("af", token)]));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}
