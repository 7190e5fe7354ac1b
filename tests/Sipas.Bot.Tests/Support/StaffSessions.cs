using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Staff;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Support;

/// <summary>Staff accounts made for a test, and clients signed in through the real sign-in form (cookie and anti-forgery token included).</summary>
public static partial class StaffSessions
{
    /// <summary>The administrator a service process creates at its first start (Staff:FirstAdministrator).</summary>
    public const string FirstAdministrator = "quantri";

    /// <summary>Every test account's password: long enough for the rules, with Vietnamese letters to prove they work.</summary>
    public const string Password = "mật khẩu đủ dài cho thử nghiệm";

    /// <summary>Creates an account through the same code the staff page and the command line use.</summary>
    public static async Task<StaffUser> CreateAsync(IServiceProvider services, string userName, StaffRole role, string? unitCode = null)
    {
        await using var scope = services.CreateAsyncScope();
        var (user, errors) = await scope.ServiceProvider.GetRequiredService<StaffAccounts>()
            .CreateAsync(new NewStaffAccount(userName, "Cán bộ " + userName, role, unitCode, Password), CancellationToken.None);
        Assert.True(user is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")));
        return user!;
    }

    /// <summary>A new account with the role, and a client of the in-process host signed in as it.</summary>
    public static async Task<HttpClient> ClientAsync(WebApplicationFactory<Program> factory, StaffRole role, string? unitCode = null, string? userName = null)
    {
        userName ??= $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..24];
        await CreateAsync(factory.Services, userName, role, unitCode);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignInAsync(client, userName);
        return client;
    }

    /// <summary>Signs an existing client in as a new Supervisor (who reads every unit's figures), for tests that read the index.</summary>
    public static async Task SignInSupervisorAsync(IServiceProvider services, HttpClient client)
    {
        var userName = "giamsat-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync(services, userName, StaffRole.Supervisor);
        await SignInAsync(client, userName);
    }

    /// <summary>Signs the client in through the form: GET the page (cookie + token), POST the credentials, expect the redirect home (followed or not).</summary>
    public static async Task SignInAsync(HttpClient client, string userName, string password = Password)
    {
        using var response = await PostSignInAsync(client, userName, password);
        var home = response.StatusCode == HttpStatusCode.SeeOther
            || (response.StatusCode == HttpStatusCode.OK && response.RequestMessage?.RequestUri?.AbsolutePath == StaffPage.Home);
        Assert.True(home, $"sign-in as {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The sign-in post's raw answer (for tests of refusals).</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password)
    {
        var token = await AntiforgeryTokenAsync(client, StaffPage.SignInPath);
        return await client.PostAsync(StaffPage.SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["af"] = token,
            ["userName"] = userName,
            ["password"] = password,
        }));
    }

    /// <summary>Loads a staff page and returns the anti-forgery token of its forms.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return TokenField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No anti-forgery field on {path}.");
    }

    [GeneratedRegex("name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
