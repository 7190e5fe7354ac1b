using System.Text;
using System.Text.Json.Nodes;
using Sipas.Bot.Channels.Zalo;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Zalo;

public class ZaloSignatureTests
{
    private static readonly JsonNode Signatures = JsonNode.Parse(Fixtures.Text("Channels/Zalo/signatures.json"))!;
    private static readonly string AppId = (string)Signatures["appId"]!;
    private static readonly string OaSecret = (string)Signatures["oaSecretKey"]!;
    private const string OaId = "579745863508352884";

    private static string Header(string file) =>
        (string)Signatures["events"]!.AsArray().Single(e => (string)e!["file"]! == file)!["signatureHeader"]!;

    private static byte[] Body(string file) => Fixtures.Bytes("Channels/Zalo/" + file);

    public static TheoryData<string> Files() =>
        new(Signatures["events"]!.AsArray().Select(e => (string)e!["file"]!));

    [Theory]
    [MemberData(nameof(Files))]
    public void FixtureHeader_IsVerified_AgainstTheExactBytes(string file) =>
        Assert.Equal(new ZaloSignatureMatch(0, 0), ZaloSignature.Verify(Body(file), Header(file), [AppId], [OaSecret]));

    [Theory]
    [MemberData(nameof(Files))]
    public void Compute_GivesTheFixtureMac_FromTheBodysOwnTimestamp(string file)
    {
        var rawBody = Fixtures.Text("Channels/Zalo/" + file);
        var timestamp = (string)JsonNode.Parse(rawBody)!["timestamp"]!;
        Assert.Equal(Header(file)["mac=".Length..], ZaloSignature.Compute(AppId, rawBody, timestamp, OaSecret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MAC=")]
    [InlineData(" mac = ")]
    public void HeaderPrefix_IsOptional_AndCaseInsensitive(string prefix)
    {
        var mac = Header("user-send-text.json")["mac=".Length..];
        Assert.NotNull(ZaloSignature.Verify(Body("user-send-text.json"), prefix + mac + " ", [AppId], [OaSecret]));
    }

    [Fact]
    public void UpperCaseHex_IsAccepted() =>
        Assert.NotNull(ZaloSignature.Verify(Body("user-send-text.json"), Header("user-send-text.json").ToUpperInvariant(), [AppId], [OaSecret]));

    [Fact]
    public void OneChangedByte_IsRejected()
    {
        var body = Body("zns-user-feedback.json");
        var rate = Encoding.UTF8.GetString(body).IndexOf("\"rate\":2", StringComparison.Ordinal) + "\"rate\":".Length;
        body[rate] = (byte)'5';
        Assert.Null(ZaloSignature.Verify(body, Header("zns-user-feedback.json"), [AppId], [OaSecret]));
    }

    [Fact]
    public void ReserialisedBody_IsRejected()
    {
        // Same JSON, different bytes: the signature is over what Zalo sent, so a parsed-and-written body must not pass.
        var reserialised = Encoding.UTF8.GetBytes(JsonNode.Parse(Body("zns-user-feedback.json"))!.ToJsonString());
        Assert.Null(ZaloSignature.Verify(reserialised, Header("zns-user-feedback.json"), [AppId], [OaSecret]));
    }

    [Fact]
    public void WrongSecret_IsRejected() =>
        Assert.Null(ZaloSignature.Verify(Body("user-send-text.json"), Header("user-send-text.json"), [AppId], ["appSecretNotTheOaKey"]));

    [Fact]
    public void WrongAppId_IsRejected() =>
        Assert.Null(ZaloSignature.Verify(Body("user-send-text.json"), Header("user-send-text.json"), ["2074138120372622547"], [OaSecret]));

    [Fact]
    public void OaIdVariant_IsMatched_WhenGivenSecond()
    {
        // hashlib.sha256(b"579745863508352884" + <zns-user-feedback.json bytes> + b"1763607000000" + b"oaSecretKeyForTests123").hexdigest(),
        // computed in Python: the oa_id-first variant some integrations report (docs/channels.md §2.6).
        const string oaIdMac = "mac=311668bc8a655b5a6fd50a803c2a9b425ccfe432d80d6b9c4cf56f72d00c42c8";
        Assert.Equal(new ZaloSignatureMatch(1, 0), ZaloSignature.Verify(Body("zns-user-feedback.json"), oaIdMac, [AppId, OaId], [OaSecret]));
        Assert.Null(ZaloSignature.Verify(Body("zns-user-feedback.json"), oaIdMac, [AppId], [OaSecret]));
    }

    [Fact]
    public void SecondSecret_IsReportedByIndex() =>
        Assert.Equal(
            new ZaloSignatureMatch(0, 1),
            ZaloSignature.Verify(Body("user-send-text.json"), Header("user-send-text.json"), [AppId], ["appSecretNotTheOaKey", OaSecret]));

    [Fact]
    public void NumericTimestamp_IsSignedWithItsDigits()
    {
        // hashlib.sha256(b"2074138120372622546" + body + b"1763606430000" + b"oaSecretKeyForTests123").hexdigest(), in Python.
        var body = """{"event_name":"user_send_text","timestamp":1763606430000,"message":{"text":"5"}}"""u8.ToArray();
        const string mac = "0cd7fd10bfc1c43e57de1e5ba8e4981eaf476d5e5b3a1d1704987b640e60d82c";
        Assert.Equal(new ZaloSignatureMatch(0, 0), ZaloSignature.Verify(body, mac, [AppId], [OaSecret]));
    }

    [Fact]
    public void NestedTimestamp_IsNotTheBodysTimestamp()
    {
        var body = """{"event_name":"user_send_text","message":{"timestamp":"1763606430000"}}"""u8.ToArray();
        var mac = ZaloSignature.Compute(AppId, Encoding.UTF8.GetString(body), "1763606430000", OaSecret);
        Assert.Null(ZaloSignature.Verify(body, mac, [AppId], [OaSecret]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"timestamp":"1763606430000\""")]
    [InlineData("""{"timestamp":"1763606430000"} trailing""")]
    [InlineData("""{"timestamp":null}""")]
    [InlineData("""{"event_name":"user_send_text"}""")]
    public void MalformedBodyOrNoTimestamp_GivesNull_WithoutThrowing(string body)
    {
        // The header is a real signature of these bytes (timestamp "1763606430000"), so only the body's shape can reject it.
        var mac = ZaloSignature.Compute(AppId, body, "1763606430000", OaSecret);
        Assert.Null(ZaloSignature.Verify(Encoding.UTF8.GetBytes(body), mac, [AppId], [OaSecret]));
    }

    [Fact]
    public void TruncatedBody_IsRejected()
    {
        var body = Body("user-send-text.json");
        Assert.Null(ZaloSignature.Verify(body.AsSpan(0, body.Length - 1), Header("user-send-text.json"), [AppId], [OaSecret]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mac=")]
    [InlineData("mac=8893106d99898aa6f6697c471c49d4e0393ce8f1fd2f1d980097fd65cd83a88")]
    [InlineData("mac=8893106d99898aa6f6697c471c49d4e0393ce8f1fd2f1d980097fd65cd83a88e00")]
    [InlineData("mac=zz93106d99898aa6f6697c471c49d4e0393ce8f1fd2f1d980097fd65cd83a88e")]
    [InlineData("sha256=8893106d99898aa6f6697c471c49d4e0393ce8f1fd2f1d980097fd65cd83a88e")]
    public void MissingTruncatedOrForeignHeader_IsRejected(string? header) =>
        Assert.Null(ZaloSignature.Verify(Body("user-send-text.json"), header, [AppId], [OaSecret]));

    [Fact]
    public void NoCandidates_MatchNothing() =>
        Assert.Null(ZaloSignature.Verify(Body("user-send-text.json"), Header("user-send-text.json"), [], [OaSecret]));
}
