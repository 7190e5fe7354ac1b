using System.Net;
using System.Text.RegularExpressions;
using Sipas.Bot.Staff;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Admin;

/// <summary>Seeds decisions on invitations of wards A and B; the log shows them by scope, filtered, paged, phones masked.</summary>
public sealed class DecisionLogHost : IAsyncLifetime
{
    public const string PhoneA = "+84912345678";
    public const string PhoneB = "+84987654321";

    /// <summary>10:15 on 20/11/2026 in Hà Nội.</summary>
    public static readonly DateTimeOffset Morning = new(2026, 11, 20, 10, 15, 0, TimeSpan.FromHours(7));

    public AdminHost Host { get; } = new();

    public Unit Paged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        await using var db = Host.Db();
        var seed = new Seed(db);
        var inA = (await seed.InvitationsAsync(Host.WardA, 1, Morning, phone: _ => PhoneA))[0];
        var inB = (await seed.InvitationsAsync(Host.WardB, 1, Morning, phone: _ => PhoneB))[0];
        db.InvitationDecisions.AddRange(
            Decision(inA, Host.WardA, Morning, DecisionKind.Deferred, "window", """{"window":"07:00–21:00"}""", Morning.AddHours(11)),
            Decision(inA, Host.WardA, Morning.AddDays(-1), DecisionKind.Deferred, "holiday", """{"holiday":"Quốc khánh"}""", Morning.AddDays(1)),
            Decision(inB, Host.WardB, Morning, DecisionKind.Skipped, "opted-out", null, null));

        // A ward of its own with more decisions than a page holds.
        Paged = await seed.UnitAsync("PG", "Phường Nhiều Quyết Định", Host.Province.Id);
        var inPaged = (await seed.InvitationsAsync(Paged, 1, Morning, phone: _ => "+84900000105"))[0];
        db.InvitationDecisions.AddRange(Enumerable.Range(0, 105).Select(n => Decision(inPaged, Paged, Morning.AddDays(-10).AddMinutes(n), DecisionKind.Failed, "provider-error", null, null)));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Host.DisposeAsync();

    private static InvitationDecision Decision(Invitation invitation, Unit unit, DateTimeOffset at, DecisionKind kind, string rule, string? parameters, DateTimeOffset? until) => new()
    {
        InvitationId = invitation.Id,
        UnitId = unit.Id,
        At = at.ToUniversalTime(),
        Kind = kind,
        Rule = rule,
        Parameters = parameters,
        DeferredUntil = until?.ToUniversalTime(),
    };
}

/// <summary>/admin/decisions: why a citizen was or was not asked, for Supervisors (everything) and Administrators (their subtree).</summary>
public sealed partial class DecisionLogPageTests(DecisionLogHost decisions) : IClassFixture<DecisionLogHost>
{
    private const string Path = "/admin/decisions";

    private AdminHost Host => decisions.Host;

    private static int Rows(string page) => DataRow().Count(page);

    [GeneratedRegex("<tr><td>[0-9]{2}/[0-9]{2}/[0-9]{4} ")]
    private static partial Regex DataRow();

    [Fact]
    public async Task UnitViewer_IsRefused_WithAnAuditedDenial()
    {
        var staff = await Host.SignInAsync(StaffRole.UnitViewer, "WA");

        using var response = await staff.Client.GetAsync(Path);

        await Host.AssertDeniedAsync(response, staff, "GET", Path);
    }

    [Fact]
    public async Task Supervisor_SeesEveryWardsDecisions_WithRuleLabelsAndMaskedPhonesOnly()
    {
        var staff = await Host.SignInAsync(StaffRole.Supervisor);

        using var response = await staff.Client.GetAsync(Path + "?day=20/11/2026");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Rows(page));
        Assert.Contains("<td>20/11/2026 10:15:00</td><td>Phường A (<code>WA</code>)</td>", page, StringComparison.Ordinal);
        Assert.Contains("09•••••678", page, StringComparison.Ordinal);
        Assert.Contains("09•••••321", page, StringComparison.Ordinal);
        Assert.Contains("Ngoài khung giờ gửi", page, StringComparison.Ordinal);
        Assert.Contains("Người dân đã từ chối nhận tin", page, StringComparison.Ordinal);
        Assert.Contains("<code>window: 07:00–21:00</code>", page, StringComparison.Ordinal);
        Assert.Contains("<td>20/11/2026 21:15:00</td></tr>", page, StringComparison.Ordinal);
        foreach (var phone in new[] { DecisionLogHost.PhoneA, DecisionLogHost.PhoneB })
        {
            Assert.DoesNotContain(phone, page, StringComparison.Ordinal);
            Assert.DoesNotContain("0" + phone[3..], page, StringComparison.Ordinal);
            Assert.DoesNotContain(phone[3..], page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ScopedAdministrator_SeesTheirSubtreeOnly_AndAnotherWardsFilterIsRefused()
    {
        var staff = await Host.SignInAsync(StaffRole.Administrator, "WA");

        var page = await staff.Client.GetStringAsync(Path);
        Assert.Equal(2, Rows(page));
        Assert.Contains("Ngày nghỉ lễ", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Phường B (", page, StringComparison.Ordinal);
        Assert.DoesNotContain("09•••••321", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"WB\"", page, StringComparison.Ordinal);

        using var other = await staff.Client.GetAsync(Path + "?unit=WB");
        await Host.AssertDeniedAsync(other, staff, "GET", Path);
    }

    [Theory]
    [InlineData("?unit=WA", 2)]
    [InlineData("?unit=P01&kind=Skipped", 1)]
    [InlineData("?rule=holiday", 1)]
    [InlineData("?day=2026-11-19", 1)]
    [InlineData("?day=21/11/2026", 0)]
    [InlineData("?unit=P01&kind=Deferred&rule=window&day=20/11/2026", 1)]
    public async Task Filters_NarrowTheLog(string query, int rows)
    {
        var staff = await Host.SignInAsync(StaffRole.Supervisor);

        using var response = await staff.Client.GetAsync(Path + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(rows, Rows(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("?day=32/11/2026", "day", "“32/11/2026” không phải một ngày hợp lệ")]
    [InlineData("?rule=because", "rule", "Lý do không hợp lệ")]
    [InlineData("?kind=7", "kind", "Loại quyết định không hợp lệ")]
    [InlineData("?unit=KHONG-CO", "unit", "Không có đơn vị mã “KHONG-CO”.")]
    public async Task BadFilters_Answer400WithTheFieldsMessage(string query, string field, string message)
    {
        var staff = await Host.SignInAsync(StaffRole.Supervisor);

        using var response = await staff.Client.GetAsync(Path + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"field-error\" id=\"{field}-error\">{message}", page, StringComparison.Ordinal);
        Assert.Equal(0, Rows(page));
    }

    [Fact]
    public async Task TheLogIsPaged_NewestFirst_AHundredAPage()
    {
        var staff = await Host.SignInAsync(StaffRole.Supervisor);

        var first = await staff.Client.GetStringAsync(Path + "?unit=PG");
        var second = await staff.Client.GetStringAsync(Path + "?unit=PG&page=2");

        Assert.Equal(100, Rows(first));
        Assert.Contains("href=\"/admin/decisions?unit=PG&amp;page=2\"", first, StringComparison.Ordinal);
        Assert.Equal(5, Rows(second));
        Assert.DoesNotContain("page=3", second, StringComparison.Ordinal);
        Assert.Contains("10/11/2026 11:59:00", first, StringComparison.Ordinal);
        Assert.Contains("10/11/2026 10:15:00", second, StringComparison.Ordinal);
    }
}
