using System.Net;
using OpenQA.Selenium;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Pages;

/// <summary>The /dev/phone page in real headless Chromium against the running service.</summary>
[Collection(ProcessTests.Name)]
public sealed class DevPhonePageTests
{
    [Fact]
    public async Task Phone_ShowsTheInvitation_AndAnsweringInThePage_MovesTheSurveyOn()
    {
        var database = await Sipas.Testing.TestPostgres.CreateDatabaseAsync("dev_phone");
        await using var service = ServiceProcess.Start(database, "all");
        await service.WaitReadyAsync();
        using (var client = service.Client())
        using (var accepted = await OneStopClient.PostAsync(client, Fixtures.ResultReturned(phone: "0912345678").ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var browser = new HeadlessChromium();
        browser.Driver.Navigate().GoToUrl(service.BaseUrl + "/dev/phone");

        var phone = await browser.WaitForAsync(By.CssSelector("section.phone"), what: "a phone on the page");
        Assert.Equal("091****678", phone.FindElement(By.TagName("h2")).Text);
        await browser.WaitForAsync(By.CssSelector(".msg.out"), e => e.Text.Contains("Câu 1/7", StringComparison.Ordinal), "the first question");

        await browser.SubmitAsync(By.CssSelector("section.phone input[name=text]"), "5");

        await browser.WaitForAsync(By.CssSelector(".msg.in"), e => e.Text == "5", "the citizen's answer");
        await browser.WaitForAsync(By.CssSelector(".msg.out"), e => e.Text.StartsWith("Câu 2/7", StringComparison.Ordinal), "the second question");
        Assert.Equal("Điện thoại mô phỏng", browser.Driver.FindElement(By.TagName("h1")).Text);
        // Kept beside the test binaries as an artifact to look at, not left in the system's temp folder.
        browser.Screenshot(Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName, "dev-phone.png"));
    }
}
