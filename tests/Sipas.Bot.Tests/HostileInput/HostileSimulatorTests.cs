using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>
/// Hostile replies posted to the simulated phone (POST /api/v1/dev/messages) and hostile look-ups
/// (GET /api/v1/dev/messages?phone=): a 400 naming the field and nothing stored, or the text stored exactly.
/// </summary>
public sealed class HostileSimulatorTests(HostileHost host) : IClassFixture<HostileHost>
{
    private const string Path = "/api/v1/dev/messages";
    private const string Placeholder = "__HOSTILE_VALUE__";
    private static readonly string Run = Guid.NewGuid().ToString("N")[..6];
    private static int _sequence;

    public enum Field
    {
        Text,
        MessageId,
        Phone,
        Thread,
    }

    public sealed record Case(Field Field, JsonValue Value)
    {
        public override string ToString() => $"{Field} = {Value}";
    }

    private static Gen<Case> Cases => Gen.Frequency<Case>(
        (3, Gen.Frequency<JsonValue>((5, Hostile.Value(2000)), (1, Gen.OneOf("1\n2", "a\r\nb", "\tfive", "tu choi\n", "5 \u2028 good").Select(t => JsonValue.OfString(t)))).Select(v => new Case(Field.Text, v))),
        (2, Hostile.Value(200).Select(v => new Case(Field.MessageId, v))),
        (2, Hostile.Value(32).Select(v => new Case(Field.Phone, v))),
        (1, Gen.Frequency<JsonValue>((3, Hostile.Value(64)), (1, Gen.OneOf(new string('a', 64), new string('0', 64), "0g", "abc").Select(t => JsonValue.OfString(t)))).Select(v => new Case(Field.Thread, v))));

    public static TheoryData<string> BodiesThatAreNotAReply() =>
    [
        "", "not json", "[]", "\"text\"", "123", "null", "{", "{\"text\":", "{}", "{\"text\": \"1\"}", "{\"phone\": \"0912345678\"}",
        "{\"phone\": [\"0912345678\"], \"text\": \"1\"}", "{\"phone\": \"0912345678\", \"text\": {\"a\": 1}}", "{\"phone\": \"0912345678\", \"text\": 5}",
        "{\"phone\": \"0912345678\", \"text\": \"1\", \"messageId\": 12}", new string('[', 70) + new string(']', 70),
    ];

    [Theory]
    [MemberData(nameof(BodiesThatAreNotAReply))]
    public async Task BodyThatIsNotAValidReply_Returns400_AndStoresNothing(string body)
    {
        await RejectedAsync(Encoding.UTF8.GetBytes(body), "application/json", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BodyThatIsNotUtf8_Returns400_AndStoresNothing()
    {
        await RejectedAsync([(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'], "application/json", HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task WrongContentType_Returns415_AndStoresNothing(string contentType)
    {
        await RejectedAsync(Encoding.UTF8.GetBytes("{\"phone\": \"0912345678\", \"text\": \"1\"}"), contentType, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task BodyOver16KiB_Returns413_AndStoresNothing()
    {
        var body = $"{{\"phone\": \"0912345678\", \"text\": \"1\", \"padding\": \"{new string('x', 17 * 1024)}\"}}";
        await RejectedAsync(Encoding.UTF8.GetBytes(body), "application/json", HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text", "a\\u0000b")]
    [InlineData("text", "\\u001b[2J")]
    [InlineData("text", "\\ud800")]
    [InlineData("text", "\\u202e5")]
    [InlineData("messageId", "id\\r\\nforged")]
    [InlineData("messageId", "\\u0000")]
    [InlineData("phone", "0912345678\\u0000")]
    [InlineData("thread", "ab\\u0000")]
    public async Task ControlCharacterOrUnpairedSurrogate_Returns400NamingTheField(string field, string escapedJson)
    {
        var body = new JsonObject { ["phone"] = Phone(), ["text"] = "1", ["messageId"] = $"sim-hostile-{Run}-{Interlocked.Increment(ref _sequence)}" };
        if (field == "thread")
        {
            body.Remove("phone");
        }

        body[field] = Placeholder;
        var json = body.ToJsonString().Replace(Placeholder, escapedJson, StringComparison.Ordinal);

        var problem = await RejectedAsync(Encoding.UTF8.GetBytes(json), "application/json", HttpStatusCode.BadRequest);

        Assert.Equal([field], ProblemAssert.ErrorKeys(problem));
    }

    [Fact]
    public async Task MessageIdOver200Characters_Returns400_NamingTheLimit()
    {
        var body = new JsonObject { ["phone"] = Phone(), ["text"] = "1", ["messageId"] = new string('m', 201) }.ToJsonString();
        var problem = await RejectedAsync(Encoding.UTF8.GetBytes(body), "application/json", HttpStatusCode.BadRequest);
        Assert.Contains("at most 200", (string)problem["errors"]!["messageId"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedHostileReplies_NeverGive5xx_AndRejectionsStoreNothing()
    {
        await Cases.SampleAsync(PostAsync, iter: 250, threads: 1, print: c => c.ToString());
    }

    [Fact]
    public async Task GeneratedHostilePhoneLookups_NeverGive5xx()
    {
        var phones = Gen.Frequency<string>((4, Hostile.Text(32)), (1, Gen.OneOf("0912345678", "+84912345678", "84 912 345 678", "0912345678\0", "")));
        await phones.SampleAsync(
            async phone =>
            {
                using var response = await host.Client.GetAsync($"{Path}?phone={Hostile.UrlEncode(phone)}");
                host.AssertNothingFailed(Hostile.Show(phone));
                if (response.StatusCode != HttpStatusCode.OK || Hostile.IsForbidden(phone) || phone.Trim().Length is 0 or > 32)
                {
                    var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, Hostile.Show(phone));
                    Assert.Equal(["phone"], ProblemAssert.ErrorKeys(problem));
                }
            },
            iter: 150,
            threads: 1,
            print: Hostile.Show);
    }

    private static string Phone() => "0912" + Random.Shared.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private async Task<JsonObject> RejectedAsync(byte[] body, string contentType, HttpStatusCode status)
    {
        var before = await host.CountsAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await host.Client.PostAsync(Path, content);
        var problem = await ProblemAssert.IsProblemAsync(response, status, Encoding.UTF8.GetString(body));
        Assert.Equal(before, await host.CountsAsync());
        host.AssertNothingFailed(Encoding.UTF8.GetString(body));
        return problem;
    }

    private async Task PostAsync(Case c)
    {
        var phone = Phone();
        var messageId = $"sim-hostile-{Run}-{Interlocked.Increment(ref _sequence)}";
        var body = new JsonObject { ["phone"] = phone, ["text"] = "1", ["messageId"] = messageId };
        if (c.Field == Field.Thread)
        {
            body.Remove("phone");
        }

        var name = char.ToLowerInvariant(c.Field.ToString()[0]) + c.Field.ToString()[1..];
        body[name] = Placeholder;
        var json = body.ToJsonString();
        var at = json.IndexOf($"\"{Placeholder}\"", StringComparison.Ordinal);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(json[..at]), .. c.Value.ToBytes(), .. Encoding.UTF8.GetBytes(json[(at + Placeholder.Length + 2)..])];
        var expected = Expect(c, bytes.Length);

        var before = await host.CountsAsync();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await host.Client.PostAsync(Path, content);
        host.AssertNothingFailed(c.ToString());
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{c}: {(int)response.StatusCode} {answer}");

        if (response.StatusCode == HttpStatusCode.OK)
        {
            if (expected == "repeat")
            {
                // A message id already handled is a provider's redelivery: answered, but nothing is stored again.
                Assert.Equal(before, await host.CountsAsync());
                return;
            }

            Assert.True(expected is null or "", $"{c}: accepted, but the contract says {expected ?? "(valid)"} is invalid");
            var text = c.Field == Field.Text ? c.Value.Text!.Trim() : "1";
            var id = (string)JsonNode.Parse(answer)!["messageId"]!;
            Assert.Equal(c.Field != Field.MessageId ? messageId : c.Value.Text?.Trim() is { Length: > 0 } given ? given : id, id);
            await StoredExactlyAsync(c.Field == Field.Phone ? c.Value.Text! : phone, id, text);
            return;
        }

        var status = bytes.Length > 16 * 1024 ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest;
        var problem = await ProblemAssert.IsProblemAsync(response, status, $"{c} (expected {expected ?? "(valid)"})");
        if (!string.IsNullOrEmpty(expected) && expected != "body")
        {
            Assert.Equal([expected], ProblemAssert.ErrorKeys(problem));
        }

        Assert.Equal(before, await host.CountsAsync());
    }

    /// <summary>
    /// The field the service must name; "body" for a body that is not JSON; "" when the outcome depends on whether
    /// the phone is a real Vietnamese number; "repeat" for a message id used before; null when the reply is valid.
    /// </summary>
    private string? Expect(Case c, int bodyLength)
    {
        if (bodyLength > 16 * 1024 || !c.Value.IsJson)
        {
            return "body";
        }

        var name = char.ToLowerInvariant(c.Field.ToString()[0]) + c.Field.ToString()[1..];
        var (maxLength, multiLine) = c.Field switch
        {
            Field.Text => (2000, true),
            Field.MessageId => (200, false),
            Field.Phone => (32, false),
            _ => (64, false),
        };
        if (c.Value.Text is null && !c.Value.IsNull)
        {
            return name;
        }

        var text = c.Value.Text?.Trim();
        if (c.Value.Text is not null && (Hostile.IsForbidden(c.Value.Text, multiLine) || text!.Length > maxLength))
        {
            return name;
        }

        return c.Field switch
        {
            Field.Text => string.IsNullOrEmpty(text) ? name : null,
            Field.MessageId => string.IsNullOrEmpty(text) || host.IsFirstUse("message", text) ? null : "repeat",
            Field.Phone => string.IsNullOrEmpty(text) ? "phone" : "",
            _ => string.IsNullOrEmpty(text) ? "phone" : "thread",
        };
    }

    /// <summary>The reply is stored once under its message id, and the phone's conversation shows its text exactly.</summary>
    private async Task StoredExactlyAsync(string phone, string messageId, string text)
    {
        await using (var db = host.Db())
        {
            Assert.Equal(1, await db.InboundMessages.CountAsync(m => m.Channel == ChannelKind.Simulator && m.ProviderMessageId == messageId));
        }

        var messages = await host.Client.GetFromJsonAsync<JsonArray>($"{Path}?phone={Hostile.UrlEncode(phone)}");
        Assert.Contains(messages!, m => (string)m!["direction"]! == "in" && (string)m["text"]! == text);
    }
}
