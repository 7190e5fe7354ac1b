using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.WebForm;

/// <summary>The real service as a process, with a roomy rate limit: the browser tests all come from 127.0.0.1.</summary>
public sealed class WebFormService : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = null!;

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("web_form");
        Service = ServiceProcess.Start(ConnectionString, "all", new Dictionary<string, string> { ["WebForm__RateLimit__PermitsPerMinute"] = "100000" });
        await Service.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();

    /// <summary>A new invitation (its form asks the `full` questionnaire); its id, code and phone.</summary>
    public async Task<(Guid Id, string Code, string Phone)> InviteAsync()
    {
        var phone = Fixtures.NewPhone();
        using var client = Service.Client();
        var id = await SipasFactory.PostEventAsync(client, phone);
        return (id, await SurveyForm.CodeOfAsync(ConnectionString, id), phone);
    }
}

/// <summary>
/// The web form in real headless Chromium against the running service: a small phone screen, a keyboard alone,
/// no sideways scrolling at 320 px, the page's weight, and axe-core's WCAG 2.x A/AA rules on every citizen page.
/// Screenshots land in the test binaries' artifacts/ folder.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class WebFormBrowserTests(WebFormService web) : IClassFixture<WebFormService>
{
    private const int MaxPageBytes = 30 * 1024;

    private string Url(string code, string? page = null) => $"{web.Service.BaseUrl}/s/{code}{(page is null ? "" : "/" + page)}";

    [Fact]
    public async Task OnA360x640Phone_TheFormIsFilledByTapping_Submitted_AndTheAnswersAreStored()
    {
        var (id, code, _) = await web.InviteAsync();
        using var browser = new HeadlessChromium();
        browser.EmulatePhone(360, 640);
        browser.Driver.Navigate().GoToUrl(Url(code));
        browser.FullPageScreenshot("webform-360-form");

        var (bytes, others) = browser.Weight();
        Assert.True(bytes is > 0 and < MaxPageBytes, $"The form weighs {bytes} bytes");
        Assert.Empty(others);
        foreach (var group in browser.Driver.FindElements(By.CssSelector("fieldset.q")))
        {
            var options = group.FindElements(By.CssSelector("label.opt"));
            options[Math.Min(3, options.Count - 1)].Click();
        }

        browser.Driver.FindElement(By.Id("COMMENT")).SendKeys("Thủ tục nhanh, cán bộ nhiệt tình.");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();

        var heading = await browser.WaitForAsync(By.TagName("h1"), h => h.Text.Contains("cảm ơn", StringComparison.OrdinalIgnoreCase), "the thank-you page");
        Assert.EndsWith($"/s/{code}/cam-on", browser.Driver.Url, StringComparison.Ordinal);
        browser.FullPageScreenshot("webform-360-thanks");
        await using var db = TestDatabase.Open(web.ConnectionString);
        var response = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id);
        Assert.Equal(ChannelKind.Web, response.Channel);
        Assert.Equal(4, response.Answers.Single(a => a.ItemCode == "OVERALL").Value);
        Assert.Equal("Thủ tục nhanh, cán bộ nhiệt tình.", response.Answers.Single(a => a.ItemCode == "COMMENT").Text);
        Assert.Equal(23, response.Answers.Count);
    }

    [Fact]
    public async Task WithTheKeyboardAlone_TheFormIsFilledAndSubmitted_AndFocusIsAlwaysVisible()
    {
        var (id, code, _) = await web.InviteAsync();
        using var browser = new HeadlessChromium();
        browser.EmulatePhone(360, 640);
        browser.Driver.Navigate().GoToUrl(Url(code));
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var submitted = false;

        for (var step = 0; step < 200 && !submitted; step++)
        {
            new Actions(browser.Driver).SendKeys(Keys.Tab).Perform();
            var (tag, type, name) = browser.Focused();
            AssertFocusIsVisible(browser);
            if (type == "radio" && answered.Add(name!))
            {
                // Space chooses the focused first option (1); each arrow moves to the next one and chooses it: 1 → 4.
                new Actions(browser.Driver).SendKeys(Keys.Space).SendKeys(Keys.ArrowDown).SendKeys(Keys.ArrowDown).SendKeys(Keys.ArrowDown).Perform();
            }
            else if (tag == "textarea")
            {
                new Actions(browser.Driver).SendKeys("Gõ bằng bàn phím").Perform();
            }
            else if (tag == "button")
            {
                new Actions(browser.Driver).SendKeys(Keys.Enter).Perform();
                submitted = true;
            }
        }

        Assert.True(submitted, "Tab never reached the submit button");
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text.Contains("cảm ơn", StringComparison.OrdinalIgnoreCase), "the thank-you page");
        browser.FullPageScreenshot("webform-keyboard-thanks");
        await using var db = TestDatabase.Open(web.ConnectionString);
        var answers = (await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id)).Answers.ToDictionary(a => a.ItemCode);
        Assert.Equal(22, answered.Count);
        Assert.Equal(4, answers["OVERALL"].Value);
        Assert.Equal(4, answers["RESULT.6"].Value);
        // FEEDBACK.1 is yes/no: the second arrow press wraps round to "Có" and the third lands on "Không".
        Assert.Equal((AnswerKind.YesNo, 0), (answers["FEEDBACK.1"].Kind, answers["FEEDBACK.1"].Value));
        Assert.Equal("Gõ bằng bàn phím", answers["COMMENT"].Text);
    }

    [Fact]
    public async Task EveryCitizenPage_At320Px_HasNoSidewaysScroll_StaysUnder30KB_AndHasNoWcagAaViolation()
    {
        var (_, code, _) = await web.InviteAsync();
        var (expiredId, expiredCode, _) = await web.InviteAsync();
        await using (var db = TestDatabase.Open(web.ConnectionString))
        {
            await db.Invitations.Where(i => i.Id == expiredId).ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddDays(-1)));
        }

        using var browser = new HeadlessChromium();
        browser.EmulatePhone(320, 640);
        var problems = new List<string>();
        void Check(string page)
        {
            browser.FullPageScreenshot("webform-320-" + page);
            if (browser.ScrollsSideways())
            {
                problems.Add($"{page}: scrolls sideways at 320 px");
            }

            if (browser.Weight().DocumentBytes is var bytes and (0 or >= MaxPageBytes))
            {
                problems.Add($"{page}: weighs {bytes} bytes");
            }

            problems.AddRange(browser.AxeViolations().Select(v => $"{page}: {v}"));
        }

        browser.Driver.Navigate().GoToUrl(Url(code));
        Check("form");

        // A comment longer than the box allows, set by script as no typing could: the form comes back with what to fix.
        browser.Driver.ExecuteScript("document.getElementById('COMMENT').value = 'x'.repeat(1001);");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.CssSelector("[role=alert]"), what: "the list of what to fix");
        Check("form-to-fix");

        browser.Driver.ExecuteScript("document.getElementById('COMMENT').value = 'x'.repeat(20000);");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text.StartsWith("Không gửi được", StringComparison.Ordinal), "the page for a post too large");
        Check("too-large");

        browser.Driver.Navigate().GoToUrl(Url(code));
        browser.Driver.Manage().Cookies.DeleteCookieNamed("sipas-af");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text.Contains("không hợp lệ", StringComparison.Ordinal), "the page for a forged post");
        Check("forged");

        browser.Driver.Navigate().GoToUrl(Url(code));
        browser.Driver.FindElement(By.CssSelector("fieldset.q label.opt")).Click();
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text.Contains("cảm ơn", StringComparison.OrdinalIgnoreCase), "the thank-you page");
        Check("thanks");

        browser.Driver.Navigate().GoToUrl(Url(code));
        Check("already-recorded");

        browser.Driver.Navigate().GoToUrl(Url(code, "tu-choi"));
        Check("opt-out");
        browser.Driver.FindElement(By.CssSelector("button[type=submit]")).Click();
        await browser.WaitForAsync(By.TagName("h1"), h => h.Text.StartsWith("Đã ghi nhận", StringComparison.Ordinal), "the opt-out confirmation");
        Check("opted-out");

        browser.Driver.Navigate().GoToUrl(Url("ZZZZZZZZZZ"));
        Check("unknown");

        browser.Driver.Navigate().GoToUrl(Url(expiredCode));
        Check("expired");

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task GuessingCodes_IsStoppedPerClientAddress_With429AndAVietnamesePage()
    {
        var database = await TestPostgres.CreateDatabaseAsync("web_form_limit");
        await using var service = ServiceProcess.Start(database, "web", new Dictionary<string, string> { ["WebForm__RateLimit__PermitsPerMinute"] = "5" });
        await service.WaitReadyAsync();
        using var guesser = From(IPAddress.Parse("127.0.0.1"), service.BaseUrl);
        using var neighbour = From(IPAddress.Parse("127.0.0.2"), service.BaseUrl);

        for (var i = 0; i < 5; i++)
        {
            using var guess = await guesser.GetAsync($"/s/GUESS{i:D5}");
            Assert.Equal(HttpStatusCode.NotFound, guess.StatusCode);
        }

        using var stopped = await guesser.GetAsync("/s/GUESS99999");
        using var other = await neighbour.GetAsync("/s/GUESS99999");

        Assert.Equal(HttpStatusCode.TooManyRequests, stopped.StatusCode);
        Assert.True(int.Parse(stopped.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Contains("Xin thử lại sau", await stopped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using var health = await guesser.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var browser = new HeadlessChromium();
        browser.EmulatePhone(320, 640);
        browser.Driver.Navigate().GoToUrl(service.BaseUrl + "/s/GUESS99999");
        Assert.Contains("Xin thử lại sau", browser.Driver.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);
        browser.FullPageScreenshot("webform-320-too-many-requests");
        Assert.False(browser.ScrollsSideways());
        Assert.Empty(browser.AxeViolations());
    }

    [Fact]
    public async Task BehindATrustedProxy_EachCitizenNamedInXForwardedFor_HasABudget_AndOthersCannotPretend()
    {
        var database = await TestPostgres.CreateDatabaseAsync("web_form_proxy");
        await using var service = ServiceProcess.Start(database, "web", new Dictionary<string, string>
        {
            ["WebForm__RateLimit__PermitsPerMinute"] = "3",
            ["Sipas__TrustedProxies__0"] = "127.0.0.1",
        });
        await service.WaitReadyAsync();
        using var proxy = From(IPAddress.Parse("127.0.0.1"), service.BaseUrl);
        using var stranger = From(IPAddress.Parse("127.0.0.2"), service.BaseUrl);

        async Task<HttpStatusCode> GuessAsync(HttpClient client, string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/s/GUESS00000");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await GuessAsync(proxy, "203.0.113.7"));
            // Not a trusted proxy: its header is ignored and the requests spend its own budget.
            Assert.Equal(HttpStatusCode.NotFound, await GuessAsync(stranger, "203.0.113.8"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(proxy, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(stranger, "203.0.113.8"));
        Assert.Equal(HttpStatusCode.NotFound, await GuessAsync(proxy, "203.0.113.8"));
    }

    [Fact]
    public async Task TrustedProxyThatIsNotAnAddress_StopsTheStart_NamingIt()
    {
        var database = await TestPostgres.CreateDatabaseAsync("web_form_bad_proxy");
        await using var service = ServiceProcess.Start(database, "web", new Dictionary<string, string> { ["Sipas__TrustedProxies__0"] = "proxy.local" });

        await service.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, service.ExitCode);
        Assert.Contains("Sipas:TrustedProxies has 'proxy.local'", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlInAChatReply_IsShownAsText_OnTheSimulatorPhone()
    {
        const string Hostile = "<img src=x onerror=\"document.title='pwned'\"><b>đậm</b>";
        var (_, _, phone) = await web.InviteAsync();
        using var client = web.Service.Client();
        var simulated = new SimulatedPhone(client, phone);
        await Eventually.WaitForAsync(simulated.MessagesAsync, m => m.Count > 0, TimeSpan.FromSeconds(30), "the invitation on the simulated phone");
        await simulated.SendAsync(Hostile);

        using var browser = new HeadlessChromium();
        browser.Driver.Navigate().GoToUrl(web.Service.BaseUrl + "/dev/phone");

        await browser.WaitForAsync(By.CssSelector(".msg.in"), e => e.Text == Hostile, "the reply shown as typed");
        Assert.Empty(browser.Driver.FindElements(By.CssSelector(".messages img, .messages b")));
        Assert.Equal("Điện thoại mô phỏng — Sipas", browser.Driver.Title);
    }

    private static void AssertFocusIsVisible(HeadlessChromium browser)
    {
        // The focused control, or the option row that wraps a focused radio, draws a focus ring of at least 2 px.
        var outline = (string)browser.Driver.ExecuteScript(
            """
            const e = document.activeElement;
            if (!e || e === document.body) return 'none';
            const ring = e.type === 'radio' ? e.closest('label') : e;
            const s = getComputedStyle(ring);
            return s.outlineStyle === 'none' ? 'none' : s.outlineWidth;
            """)!;
        Assert.True(outline != "none" && double.Parse(outline.Replace("px", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) >= 2, $"No visible focus ring on {browser.Focused()}: {outline}");
    }

    /// <summary>A client whose connections come from the given loopback address, so the service sees two different clients.</summary>
    private static HttpClient From(IPAddress local, string baseUrl) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri(baseUrl),
    };
}
