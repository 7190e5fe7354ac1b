using OpenQA.Selenium;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Scheduler.Dashboard;

namespace Sipas.Bot.Tests.Operations;

/// <summary>
/// The "Tỷ lệ phản hồi" page in real headless Chromium, signed in through the form, for each role: the units and
/// figures of the viewer's scope only, checked against the seeded invitations (<see cref="DashboardHost"/>).
/// </summary>
public sealed class ResponseRatePageTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private string Page(string? days = null) => $"{host.Address.ToString().TrimEnd('/')}/hangfire{SipasDashboard.ResponseRatesPath}{(days is null ? "" : "?days=" + days)}";

    [Fact]
    public async Task UnitViewerOfWardA_SeesOnlyWardA_WithItsFunnelAndRate()
    {
        using var browser = await SignedInBrowserAsync(StaffRole.UnitViewer, DashboardHost.WardA);
        browser.Driver.Navigate().GoToUrl(Page());

        Assert.Equal([DashboardHost.WardA], UnitRows(browser));
        Assert.Equal(new Dictionary<string, string>
        {
            ["events"] = "4", ["invited"] = "3", ["skipped"] = "1", ["delivered"] = "1", ["started"] = "2",
            ["completed"] = "2", ["partial"] = "0", ["failed"] = "0",
        }, Counts(browser, DashboardHost.WardA));
        Assert.StartsWith("66,7", Rate(browser, DashboardHost.WardA), StringComparison.Ordinal);
        Assert.Contains("Người dân đã từ chối nhận: 1", Cell(browser, DashboardHost.WardA, "skipped").Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bến", browser.Driver.PageSource, StringComparison.Ordinal);
        Assert.DoesNotContain("Zalo", browser.Driver.FindElement(By.Id("sipas-channels")).Text, StringComparison.Ordinal);
        browser.FullPageScreenshot("dashboard-response-rates-unit-viewer");
    }

    [Fact]
    public async Task Supervisor_SeesEveryUnit_TheScopeTotal_AndTheLowWardHighlighted()
    {
        using var browser = await SignedInBrowserAsync(StaffRole.Supervisor, null);
        browser.Driver.Navigate().GoToUrl(Page("7"));

        Assert.Equal([DashboardHost.Province, DashboardHost.WardA, DashboardHost.WardB], UnitRows(browser));
        Assert.Equal("4", Cell(browser, DashboardHost.WardB, "events").Text);
        Assert.Equal("1", Cell(browser, DashboardHost.WardB, "failed").Text);
        Assert.StartsWith("33,3", Rate(browser, DashboardHost.WardB), StringComparison.Ordinal);
        Assert.Equal("—", Rate(browser, DashboardHost.Province));
        var total = browser.Driver.FindElement(By.CssSelector("#sipas-units tfoot tr"));
        Assert.Equal("8", total.FindElement(By.CssSelector("[data-col=events]")).Text);
        Assert.Equal("3", total.FindElement(By.CssSelector("[data-col=completed]")).Text);
        Assert.StartsWith("50,0", total.FindElement(By.CssSelector(".sipas-rate")).Text, StringComparison.Ordinal);

        // Under the 40 % threshold: ward B is marked, in colour and in words; ward A is not.
        Assert.Contains("sipas-low", Row(browser, DashboardHost.WardB).GetAttribute("class") ?? "", StringComparison.Ordinal);
        Assert.Contains("Thấp", Row(browser, DashboardHost.WardB).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("sipas-low", Row(browser, DashboardHost.WardA).GetAttribute("class") ?? "", StringComparison.Ordinal);

        // The unit's name is text, not markup.
        Assert.Contains(DashboardHost.WardBName, Row(browser, DashboardHost.WardB).Text, StringComparison.Ordinal);
        Assert.Empty(Row(browser, DashboardHost.WardB).FindElements(By.TagName("b")));

        var zalo = browser.Driver.FindElement(By.CssSelector("#sipas-channels tr[data-channel=Zalo]"));
        Assert.Equal("1", zalo.FindElement(By.CssSelector("[data-col=completed]")).Text);
        Assert.Contains("Số liệu tính đến", browser.Driver.FindElement(By.Id("sipas-as-of")).Text, StringComparison.Ordinal);
        browser.FullPageScreenshot("dashboard-response-rates-supervisor");
    }

    [Fact]
    public async Task ThePeriodSelector_Takes30Days_AndABadPeriodFallsBackTo7WithAMessage()
    {
        using var browser = await SignedInBrowserAsync(StaffRole.Administrator, null);
        browser.Driver.Navigate().GoToUrl(Page());
        browser.Driver.FindElement(By.CssSelector("#sipas-days option[value='30']")).Click();
        browser.Driver.FindElement(By.CssSelector("#sipas-rates form button[type=submit]")).Click();
        await browser.WaitForAsync(By.CssSelector("#sipas-days option[selected][value='30']"), what: "the 30-day page");

        Assert.Equal("5", Cell(browser, DashboardHost.WardA, "events").Text);
        Assert.StartsWith("75,0", Rate(browser, DashboardHost.WardA), StringComparison.Ordinal);

        browser.Driver.Navigate().GoToUrl(Page("<script>"));
        Assert.Contains("Khoảng thời gian không hợp lệ", browser.Driver.FindElement(By.Id("sipas-period-error")).Text, StringComparison.Ordinal);
        Assert.Equal("4", Cell(browser, DashboardHost.WardA, "events").Text);
    }

    [Fact]
    public async Task ThePage_IsInTheNavigation_AndPassesAxeCore()
    {
        using var browser = await SignedInBrowserAsync(StaffRole.UnitViewer, DashboardHost.WardA);
        browser.Driver.Navigate().GoToUrl($"{host.Address.ToString().TrimEnd('/')}/hangfire");
        browser.Driver.FindElement(By.LinkText("Tỷ lệ phản hồi")).Click();
        await browser.WaitForAsync(By.Id("sipas-units"), what: "the response-rate page");

        Assert.Empty(browser.AxeViolations());
    }

    private async Task<HeadlessChromium> SignedInBrowserAsync(StaffRole role, string? unitCode)
    {
        var userName = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..24];
        await StaffSessions.CreateAsync(host.Services, userName, role, unitCode);
        var browser = new HeadlessChromium();
        browser.Driver.Navigate().GoToUrl($"{host.Address.ToString().TrimEnd('/')}/admin/sign-in");
        browser.Driver.FindElement(By.Id("userName")).SendKeys(userName);
        browser.Driver.FindElement(By.Id("password")).SendKeys(StaffSessions.Password);
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.TagName("body"), _ => !browser.Driver.Url.Contains("/sign-in", StringComparison.Ordinal), "the signed-in home page");
        return browser;
    }

    private static List<string> UnitRows(HeadlessChromium browser) =>
        [.. browser.Driver.FindElements(By.CssSelector("#sipas-units tbody tr")).Select(r => r.GetAttribute("data-unit") ?? "")];

    private static IWebElement Row(HeadlessChromium browser, string unit) =>
        browser.Driver.FindElement(By.CssSelector($"#sipas-units tbody tr[data-unit='{unit}']"));

    private static IWebElement Cell(HeadlessChromium browser, string unit, string column) =>
        Row(browser, unit).FindElement(By.CssSelector($"[data-col={column}]"));

    private static string Rate(HeadlessChromium browser, string unit) => Row(browser, unit).FindElement(By.CssSelector(".sipas-rate")).Text;

    private static Dictionary<string, string> Counts(HeadlessChromium browser, string unit) =>
        Row(browser, unit).FindElements(By.CssSelector("td.num[data-col]"))
            .ToDictionary(c => c.GetAttribute("data-col")!, c => c.Text.Split('\n')[0].Trim());
}
