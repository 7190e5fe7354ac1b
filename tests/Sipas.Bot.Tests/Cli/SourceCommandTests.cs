using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Cli;

public sealed partial class SourceCommandTests
{
    [Fact]
    public async Task SourceAdd_PrintsTheSecretOnce_AndTheRunningServiceAcceptsEventsSignedWithIt()
    {
        await using var factory = await SipasFactory.StartAsync();
        using var client = factory.CreateClient();

        var added = await CommandRunner.RunAsync(factory.ConnectionString, ["source", "add", "hcm-dvc"]);

        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = SecretIn(added.Output);
        Assert.Equal(43, secret.Length);
        await using (var db = TestDatabase.Open(factory.ConnectionString))
        {
            var stored = await db.OneStopSourceSecrets.SingleAsync(s => s.Source!.Code == "hcm-dvc");
            Assert.Null(stored.RetiredAt);
            Assert.False(Encoding.ASCII.GetString(stored.SecretEncrypted).Contains(secret, StringComparison.Ordinal), "the secret must not be stored in clear");
            Assert.Equal(secret, Seed.PersonalData.Decrypt(stored.SecretEncrypted));
        }

        // The service was already running: it picks the new source up on its own.
        await Eventually.WaitForAsync(() => PostStatusAsync(client, "hcm-dvc", secret), status => status == HttpStatusCode.Accepted, TimeSpan.FromSeconds(20), "an event signed with the new secret");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostStatusAsync(client, "hcm-dvc", "not-the-secret"));
        Assert.Equal(HttpStatusCode.Accepted, await PostStatusAsync(client, SipasFactory.Source, SipasFactory.Secret));
    }

    [Fact]
    public async Task SourceAdd_RefusesASourceThatAlreadyHasSecrets_AndRotateKeepsTheNewestOldOneValid()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var first = SecretIn((await CommandRunner.RunAsync(connectionString, ["source", "add", "hcm-dvc"])).Output);

        var again = await CommandRunner.RunAsync(connectionString, ["source", "add", "hcm-dvc"]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("Source hcm-dvc already has 1 stored secret(s); use `source rotate hcm-dvc`", again.Error, StringComparison.Ordinal);

        var configured = await CommandRunner.RunAsync(
            connectionString, ["source", "add", "igate"], new Dictionary<string, string?> { ["OneStop:Sources:igate:Secrets:0"] = SipasFactory.Secret });
        Assert.Equal(1, configured.ExitCode);
        Assert.Contains("Source igate already has 1 secret(s) configured in OneStop:Sources", configured.Error, StringComparison.Ordinal);

        var rotated = await CommandRunner.RunAsync(connectionString, ["source", "rotate", "hcm-dvc"]);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains("Still valid: secret", rotated.Output, StringComparison.Ordinal);
        var second = SecretIn(rotated.Output);

        var rotatedAgain = await CommandRunner.RunAsync(connectionString, ["source", "rotate", "hcm-dvc"]);
        Assert.Contains("Retired: secret", rotatedAgain.Output, StringComparison.Ordinal);
        var third = SecretIn(rotatedAgain.Output);

        await using var factory = new SipasFactory(connectionString);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, await PostStatusAsync(client, "hcm-dvc", first));
        Assert.Equal(HttpStatusCode.Accepted, await PostStatusAsync(client, "hcm-dvc", second));
        Assert.Equal(HttpStatusCode.Accepted, await PostStatusAsync(client, "hcm-dvc", third));
    }

    [Theory]
    [InlineData("add", "Bad Code!", "'Bad Code!' is not a valid source code")]
    [InlineData("add", "UPPER", "'UPPER' is not a valid source code")]
    [InlineData("rotate", "nobody", "Source nobody has no secret to rotate; use `source add nobody` first.")]
    public async Task SourceCommands_RefuseBadInput_AndStoreNoSecret(string verb, string code, string expected)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");

        var result = await CommandRunner.RunAsync(connectionString, ["source", verb, code]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        await using var db = TestDatabase.Open(connectionString);
        Assert.Equal(0, await db.OneStopSourceSecrets.CountAsync());
        Assert.Equal(0, await db.OneStopSources.CountAsync());
    }

    [Fact]
    public async Task SourceList_CountsSecrets_AndNeverShowsThem()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var secret = SecretIn((await CommandRunner.RunAsync(connectionString, ["source", "add", "hcm-dvc"])).Output);

        var list = await CommandRunner.RunAsync(
            connectionString, ["source", "list"], new Dictionary<string, string?> { ["OneStop:Sources:igate:Secrets:0"] = SipasFactory.Secret });

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("hcm-dvc: 1 stored secret(s)", list.Output, StringComparison.Ordinal);
        Assert.Contains("igate: 1 configured secret(s)", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SipasFactory.Secret, list.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> PostStatusAsync(HttpClient client, string source, string secret)
    {
        using var response = await OneStopClient.PostAsync(client, Fixtures.ResultReturned().ToJsonString(), secret, source: source);
        return response.StatusCode;
    }

    private static string SecretIn(string output) => SecretLine().Match(output) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("No secret in the output:\n" + output);

    [GeneratedRegex("^secret: (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();
}
