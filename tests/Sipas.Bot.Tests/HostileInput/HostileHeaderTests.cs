using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.Logging;
using Sipas.Bot.OneStop;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>
/// Hostile X-Sipas-Source, X-Sipas-Timestamp and X-Sipas-Signature headers on a valid event: never a 5xx, always
/// the one 401 problem (so source codes cannot be told apart), nothing stored, the reason in the server's log.
/// </summary>
public sealed class HostileHeaderTests(HostileHost host) : IClassFixture<HostileHost>
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public enum Header
    {
        Source,
        Timestamp,
        Signature,
    }

    public sealed record Case(Header Header, string Value)
    {
        public override string ToString() => $"{Header} = {Hostile.Show(Value)}";
    }

    private static Gen<string> TimestampValue => Gen.Frequency<string>(
        (4, Hostile.Text(20)),
        (2, Gen.OneOf("-1", "0", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1e309", "NaN", "+1", " 1", "0x10")),
        (1, Gen.Int[-10_000_000, 10_000_000].Where(d => Math.Abs(d) > 310).Select(d => (Now + d).ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Int[-290, 290].Select(d => (Now + d).ToString(CultureInfo.InvariantCulture))));

    private static Gen<string> SignatureValue => Gen.Frequency<string>(
        (4, Hostile.Text(80)),
        (2, Gen.OneOf("sha256=", "sha256=zz", "sha256=abc", "SHA256=" + new string('a', 64), "sha256=" + new string('0', 64), "sha1=" + new string('a', 40), "sha256=" + new string('a', 10_000))));

    private static Gen<Case> Cases => Gen.Frequency<Case>(
        (1, Gen.Frequency<string>((4, Hostile.Text(64)), (1, Gen.OneOf("igate ", " igate", "IGATE", "igate\0", "igat", "igate\u200B", "dvc-unknown"))).Select(v => new Case(Header.Source, v))),
        (1, TimestampValue.Select(v => new Case(Header.Timestamp, v))),
        (1, SignatureValue.Select(v => new Case(Header.Signature, v))));

    [Fact]
    public async Task GeneratedHostileHeaders_NeverGive5xx_AlwaysTheSame401_AndStoreNothing()
    {
        await Cases.SampleAsync(SendAsync, iter: 200, threads: 1, print: c => c.ToString());
    }

    [Fact]
    public async Task EveryAuthenticationFailure_GetsOneIdenticalProblem_AndItsReasonIsLoggedAtInformation()
    {
        var body = Encoding.UTF8.GetBytes(Fixtures.ResultReturned().ToJsonString());
        var ts = Now.ToString(CultureInfo.InvariantCulture);
        var good = OneStopSignature.Sign(SipasFactory.Secret, ts, body);
        (string Name, string? Source, string? Timestamp, string? Signature, string Reason)[] failures =
        [
            ("missing headers", null, null, null, "headers are required"),
            ("unknown source", "dvc-unknown", ts, good, "Unknown source"),
            ("wrong secret", SipasFactory.Source, ts, OneStopSignature.Sign("not-the-secret", ts, body), "does not match"),
            ("stale timestamp", SipasFactory.Source, (Now - 3600).ToString(CultureInfo.InvariantCulture), OneStopSignature.Sign(SipasFactory.Secret, (Now - 3600).ToString(CultureInfo.InvariantCulture), body), "timestamp"),
            ("malformed signature", SipasFactory.Source, ts, "sha256=xyz", "sha256=<hex>"),
        ];

        var answers = new List<string>();
        foreach (var failure in failures)
        {
            host.Logs.Clear();
            using var response = await SendAsync(body, failure.Source, failure.Timestamp, failure.Signature);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, failure.Name);
            problem.Remove("traceId");
            answers.Add(problem.ToJsonString());
            Assert.Contains(
                host.Logs.Entries,
                e => e.Level == LogLevel.Information && e.Category == typeof(OneStopSignature).FullName && e.Message.Contains(failure.Reason, StringComparison.Ordinal));
        }

        Assert.Single(answers.Distinct());
        Assert.Equal("urn:sipas:problem:unauthenticated", (string)JsonNode.Parse(answers[0])!["type"]!);
    }

    private async Task SendAsync(Case c)
    {
        var body = Encoding.UTF8.GetBytes(Fixtures.ResultReturned().ToJsonString());
        var timestamp = c.Header == Header.Timestamp ? c.Value : Now.ToString(CultureInfo.InvariantCulture);
        var source = c.Header == Header.Source ? c.Value : SipasFactory.Source;
        var signature = c.Header == Header.Signature ? c.Value : OneStopSignature.Sign(SipasFactory.Secret, timestamp, body);
        var authentic = c.Header == Header.Timestamp && c.Value.All(char.IsAsciiDigit) && c.Value.Length is > 0 and < 19
            && Math.Abs(Now - long.Parse(c.Value, CultureInfo.InvariantCulture)) <= 300;

        var before = await host.CountsAsync();
        using var response = await SendAsync(body, source, timestamp, signature);
        host.AssertNothingFailed(c.ToString());
        if (authentic)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return;
        }

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, c.ToString());
        Assert.Equal("urn:sipas:problem:unauthenticated", (string)problem["type"]!);
        Assert.Equal(before, await host.CountsAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, string? source, string? timestamp, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, OneStopClient.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        Add(request, OneStopSignature.SourceHeader, source);
        Add(request, OneStopSignature.TimestampHeader, timestamp);
        Add(request, OneStopSignature.SignatureHeader, signature);
        return await host.Client.SendAsync(request);
    }

    /// <summary>Without validation, so control characters and non-ASCII reach the in-process server as they are.</summary>
    private static void Add(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"the client refused {name}: {Hostile.Show(value)}");
        }
    }
}
