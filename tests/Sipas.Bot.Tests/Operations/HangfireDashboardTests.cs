using System.Net;
using System.Text.RegularExpressions;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Operations;

/// <summary>
/// The Hangfire dashboard's buttons over a real socket: a cross-site post without the anti-forgery token is refused,
/// and the dashboard's own post, with the token from its page and the cookie that goes with it, works.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class HangfireDashboardTests
{
    [Fact]
    public async Task CrossSitePostWithoutTheToken_IsRefused_WhileTheDashboardsOwnPostWorks()
    {
        var database = await TestPostgres.CreateDatabaseAsync("dashboard_csrf");
        await using var service = ServiceProcess.Start(database, "web");
        await service.WaitReadyAsync();

        using var attacker = service.Client();
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "expire-invitations")]),
        };
        forged.Headers.Add("Origin", "https://evil.example");
        using var refused = await attacker.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var operatorBrowser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(service.BaseUrl) };
        var page = await operatorBrowser.GetStringAsync("/hangfire/recurring");
        var token = CsrfToken().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "expire-invitations")]),
        };
        trigger.Headers.Add("RequestVerificationToken", token);
        using var accepted = await operatorBrowser.SendAsync(trigger);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfToken();
}
