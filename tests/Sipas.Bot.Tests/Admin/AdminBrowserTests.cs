using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Admin;

/// <summary>The real service as a process, with a ward to edit and a decision to read; its first administrator signs in in the browser.</summary>
public sealed class AdminService : IAsyncLifetime
{
    public const string Phone = "+84912345678";

    public string ConnectionString { get; private set; } = null!;

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("admin_pages");
        Service = ServiceProcess.Start(ConnectionString, "web");
        await Service.WaitReadyAsync();
        await using var db = TestDatabase.Open(ConnectionString);
        var seed = new Seed(db);
        var province = await seed.UnitAsync("BP", "Tỉnh Trình Duyệt");
        var ward = await seed.UnitAsync("BW", "Phường Trình Duyệt", province.Id);
        var at = new DateTimeOffset(2026, 11, 20, 22, 5, 0, TimeSpan.FromHours(7));
        var invitation = (await seed.InvitationsAsync(ward, 1, at, phone: _ => Phone))[0];
        db.InvitationDecisions.Add(new InvitationDecision
        {
            InvitationId = invitation.Id,
            UnitId = ward.Id,
            At = at.ToUniversalTime(),
            Kind = DecisionKind.Deferred,
            Rule = "window",
            Parameters = """{"window":"07:00–21:00"}""",
            DeferredUntil = at.AddHours(9).AddMinutes(-5).ToUniversalTime(),
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();
}

/// <summary>
/// The units page and the decision log in real headless Chromium against the running service: signed in through the
/// real form, a setting edited and seen, phones masked in the page's source, and axe-core's WCAG 2.x A/AA rules.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class AdminBrowserTests(AdminService admin) : IClassFixture<AdminService>
{
    private string Url(string path) => admin.Service.BaseUrl + path;

    private async Task SignInAsync(HeadlessChromium browser, string path)
    {
        browser.Driver.Navigate().GoToUrl(Url(path));
        await browser.WaitForAsync(By.Id("userName"), what: "the sign-in form");
        browser.Driver.FindElement(By.Id("userName")).SendKeys(StaffSessions.FirstAdministrator);
        browser.Driver.FindElement(By.Id("password")).SendKeys(StaffSessions.Password);
        browser.Driver.FindElement(By.CssSelector("main button[type=submit]")).Click();
        await browser.WaitForAsync(By.CssSelector("header form"), what: "the signed-in header");
    }

    private static void AssertAccessible(HeadlessChromium browser)
    {
        var violations = browser.AxeViolations();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public async Task AnAdministrator_SignsIn_EditsAWardsWindow_IsToldWhatIsWrong_AndSeesTheNewWindow()
    {
        using var browser = new HeadlessChromium();
        await SignInAsync(browser, "/admin/units");
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text == "Đơn vị và lịch gửi", "the units page");
        Assert.Contains("00:00–24:00", browser.Driver.FindElement(By.TagName("table")).Text, StringComparison.Ordinal);
        AssertAccessible(browser);
        browser.FullPageScreenshot("admin-units");

        browser.Driver.FindElement(By.CssSelector("a[href='/admin/units/BW']")).Click();
        await browser.WaitForAsync(By.Id("windowStart"), what: "the unit's form");
        browser.Driver.FindElement(By.Id("windowStart")).SendKeys("08:00");
        browser.Driver.FindElement(By.Id("windowEnd")).SendKeys("08:00");
        browser.Driver.FindElement(By.CssSelector("main form button[type=submit]")).Click();
        var error = await browser.WaitForAsync(By.Id("windowEnd-error"), what: "the window end's message");
        Assert.StartsWith("Giờ kết thúc phải khác giờ bắt đầu", error.Text, StringComparison.Ordinal);
        Assert.Equal("true", browser.Driver.FindElement(By.Id("windowEnd")).GetAttribute("aria-invalid"));
        AssertAccessible(browser);
        browser.FullPageScreenshot("admin-unit-refused");

        browser.Driver.FindElement(By.Id("windowEnd")).Clear();
        browser.Driver.FindElement(By.Id("windowEnd")).SendKeys("20:30");
        browser.Driver.FindElement(By.Id("delay")).SendKeys("45");
        browser.Driver.FindElement(By.CssSelector("main form button[type=submit]")).Click();
        await browser.WaitForAsync(By.CssSelector("[role=status]"), s => s.Text.Contains("Đã lưu", StringComparison.Ordinal), "the confirmation");
        Assert.Equal("08:00", browser.Driver.FindElement(By.Id("windowStart")).GetAttribute("value"));
        AssertAccessible(browser);

        browser.Driver.Navigate().GoToUrl(Url("/admin/units"));
        var row = await browser.WaitForAsync(By.XPath("//tr[td/code='BW']"), what: "the ward's row");
        Assert.Contains("08:00–20:30", row.Text, StringComparison.Ordinal);
        Assert.Contains("45 phút", row.Text, StringComparison.Ordinal);
        Assert.Contains("thiết lập riêng của đơn vị này", row.Text, StringComparison.Ordinal);
        await using var db = TestDatabase.Open(admin.ConnectionString);
        var stored = await db.UnitSendSettings.SingleAsync(s => s.UnitId == db.Units.Single(u => u.Code == "BW").Id);
        Assert.Equal((480, 1230, TimeSpan.FromMinutes(45)), (stored.WindowStartMinute!.Value, stored.WindowEndMinute!.Value, stored.DelayAfterReturn!.Value));
    }

    [Fact]
    public async Task TheDecisionLog_ShowsWhyTheCitizenWasNotAskedYet_WithTheirPhoneMasked()
    {
        using var browser = new HeadlessChromium();
        await SignInAsync(browser, "/admin/decisions");
        var table = await browser.WaitForAsync(By.CssSelector("table.log"), what: "the decision log");

        Assert.Contains("Ngoài khung giờ gửi", table.Text, StringComparison.Ordinal);
        Assert.Contains("09•••••678", table.Text, StringComparison.Ordinal);
        Assert.Contains("21/11/2026 07:00:00", table.Text, StringComparison.Ordinal);
        var source = browser.Driver.PageSource;
        Assert.DoesNotContain(AdminService.Phone, source, StringComparison.Ordinal);
        Assert.DoesNotContain("0912345678", source, StringComparison.Ordinal);
        Assert.DoesNotContain("912345678", source, StringComparison.Ordinal);
        AssertAccessible(browser);
        browser.FullPageScreenshot("admin-decisions");
    }
}
