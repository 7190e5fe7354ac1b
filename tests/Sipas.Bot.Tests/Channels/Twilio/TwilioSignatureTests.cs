using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Twilio;

public class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string LibrarySignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private const string JsonBody = """{"property": "value", "boolean": true}""";
    private const string JsonBodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    // The parameters of Twilio's helper-library tests (vectors T2–T6 of docs/channels.md §1.6).
    private static readonly KeyValuePair<string, string>[] LibraryParams =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675309"),
        new("Digits", "1234"),
        new("From", "+14158675309"),
        new("To", "+18005551212"),
    ];

    private static JsonObject Vector(string name) =>
        JsonNode.Parse(Fixtures.Text("Channels/Twilio/signature-vectors.json"))!["vectors"]!.AsArray()
            .Single(v => (string)v!["name"]! == name)!.AsObject();

    private static KeyValuePair<string, string>[] Params(JsonObject vector) =>
        [.. vector["params"]!.AsObject().Select(p => new KeyValuePair<string, string>(p.Key, (string)p.Value!))];

    private static KeyValuePair<string, string>[] Form(string file) =>
        [.. QueryHelpers.ParseQuery(Fixtures.Text("Channels/Twilio/" + file).Trim())
            .SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? "")))];

    public static TheoryData<string> FormVectors() =>
        new(JsonNode.Parse(Fixtures.Text("Channels/Twilio/signature-vectors.json"))!["vectors"]!.AsArray()
            .Where(v => v!["body"] is null)
            .Select(v => (string)v!["name"]!));

    [Theory]
    [MemberData(nameof(FormVectors))]
    public void PublishedVector_IsComputed_OnTheUrlItWasSignedFor(string name)
    {
        var vector = Vector(name);
        var signedUrl = (string)(vector["signedUrl"] ?? vector["url"])!;
        Assert.Equal((string)vector["expected"]!, TwilioSignature.Compute(Token, signedUrl, Params(vector)));
    }

    [Theory]
    [MemberData(nameof(FormVectors))]
    public void PublishedVector_IsAccepted_ForTheUrlTheRequestArrivedOn(string name)
    {
        var vector = Vector(name);
        Assert.True(TwilioSignature.IsValid(Token, (string)vector["url"]!, Params(vector), (string)vector["expected"]!));
    }

    [Fact]
    public void DocsExample_SignsTheUrlFollowedByTheSortedNamesAndValues()
    {
        // The exact string docs/channels.md §1.6 gives for T2, signed independently of the parameter sorting.
        const string signed = "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";
        Assert.Equal(LibrarySignature, TwilioSignature.Compute(Token, signed, []));
        Assert.Equal(LibrarySignature, TwilioSignature.Compute(Token, Url, LibraryParams.Reverse()));
    }

    [Fact]
    public void RepeatedName_ContributesEachValue_SortedOrdinal()
    {
        // T9 (twilio-python test_compute_signature_duplicate_*): <url>Digits1234Digits5678SidCA123SidAccountAC123.
        KeyValuePair<string, string>[] fields = [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234")];
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.Compute(Token, Url, fields));
        Assert.True(TwilioSignature.IsValid(Token, Url, fields, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    [Fact]
    public void RepeatedIdenticalValue_CountsOnce_AsInTwilioPython()
    {
        // twilio-python test_compute_signature_duplicate_query_dict: Digits=5678&Digits=1234&Digits=1234 gives T9's signature.
        KeyValuePair<string, string>[] fields = [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234"), new("Digits", "1234")];
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.Compute(Token, Url, fields));
    }

    [Fact]
    public void PortlessHttpUrl_AcceptsTheSignatureOfTheUrlWithPort80()
    {
        // twilio-python test_validation_adds_port_on_http: the request arrived on http://mycompany.com/…, Twilio signed :80.
        Assert.True(TwilioSignature.IsValid(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", LibraryParams, "0ZXoZLH/DfblKGATFgpif+LLRf4="));
    }

    [Fact]
    public void UrlWithACustomPort_AcceptsTheSignatureOfTheUrlWithoutIt()
    {
        // twilio-python test_validation_removes_port_on_https / twilio-csharp TestValidateRemovesPortHttps.
        Assert.True(TwilioSignature.IsValid(Token, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", LibraryParams, LibrarySignature));
    }

    [Fact]
    public void PortlessUrl_DoesNotAcceptASignatureMadeWithACustomPort()
    {
        // Only the scheme's default port is ever added: T5 was signed on :1234.
        Assert.False(TwilioSignature.IsValid(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", LibraryParams, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
    }

    [Fact]
    public void HostCase_IsPartOfTheSignature()
    {
        // T6 was signed on https://MyCompany.com/…; the lower-case host is a different URL.
        Assert.False(TwilioSignature.IsValid(Token, Url, LibraryParams, "g9IN/x4Cft2g517EjYvEvM/W7LU="));
    }

    [Theory]
    // twilio-ruby request_validator_spec "should validate urls with credentials / just username / … by adding port".
    [InlineData("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "CukzLTc1tT5dXEDIHm/tKBanW10=")]
    [InlineData("https://user@mycompany.com/myapp.php?foo=1&bar=2", "2YRLlVAflCqxaNicjMpJcSTgzSs=")]
    [InlineData("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=")]
    public void UrlWithCredentials_KeepsThem_AndGetsThePortAfterTheHost(string url, string signature) =>
        Assert.True(TwilioSignature.IsValid(Token, url, LibraryParams, signature));

    [Theory]
    [InlineData("https://mycompany.com/a?b=1", "https://mycompany.com/a?b=1", "https://mycompany.com:443/a?b=1")]
    [InlineData("http://mycompany.com:8080/a", "http://mycompany.com/a", "http://mycompany.com:8080/a")]
    [InlineData("https://u:p@mycompany.com:443", "https://u:p@mycompany.com", "https://u:p@mycompany.com:443")]
    [InlineData("https://[::1]/a", "https://[::1]/a", "https://[::1]:443/a")]
    [InlineData("https://[::1]:8443/a", "https://[::1]/a", "https://[::1]:8443/a")]
    [InlineData("https://mycompany.com/a?next=http://x:1", "https://mycompany.com/a?next=http://x:1", "https://mycompany.com:443/a?next=http://x:1")]
    public void PortVariants_TouchOnlyTheAuthority(string url, string withoutPort, string withPort) =>
        Assert.Equal((withoutPort, withPort), TwilioSignature.PortVariants(url));

    [Fact]
    public void OneChangedParameter_IsRejected()
    {
        var changed = LibraryParams.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1235") : p);
        Assert.False(TwilioSignature.IsValid(Token, Url, changed, LibrarySignature));
    }

    [Fact]
    public void AnExtraUnsignedParameter_IsRejected() =>
        Assert.False(TwilioSignature.IsValid(Token, Url, [.. LibraryParams, new("Injected", "1")], LibrarySignature));

    [Fact]
    public void ChangedUrl_IsRejected() =>
        Assert.False(TwilioSignature.IsValid(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", LibraryParams, LibrarySignature));

    [Fact]
    public void WrongToken_IsRejected() =>
        Assert.False(TwilioSignature.IsValid("12346", Url, LibraryParams, LibrarySignature));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8= ")]
    [InlineData("rsoydt4t1cutdk1pdd93/vvr8b8=")]
    public void MissingTruncatedOrAlteredHeader_IsRejected(string? header) =>
        Assert.False(TwilioSignature.IsValid(Token, Url, LibraryParams, header));

    [Theory]
    // Computed independently with Python: base64(hmac.new(b"12345", (url + "".join(k + v for k, v in sorted(parse_qsl(body,
    // keep_blank_values=True)))).encode(), sha1).digest()). Empty fields (ToCity=) are signed too.
    [InlineData("status-callback.form", "https://sipas.example.vn/webhooks/twilio/status", "qRfnO21b8I0fTNwksATbEYejmgw=")]
    [InlineData("inbound-message.form", "https://sipas.example.vn/webhooks/twilio/inbound", "uqeY2dj6vVzn8wNZWQUiTRlV3wo=")]
    public void RealShapedFormBody_IsSignedOverEveryField(string file, string url, string signature)
    {
        var form = Form(file);
        Assert.Equal(signature, TwilioSignature.Compute(Token, url, form));
        Assert.True(TwilioSignature.IsValid(Token, url, form, signature));
        Assert.False(TwilioSignature.IsValid(Token, url, form.Where(f => f.Key != "ApiVersion"), signature));
    }

    [Fact]
    public void StatusCallback_WithAChangedStatus_IsRejected()
    {
        var forged = Form("status-callback.form")
            .Select(f => f.Key == "MessageStatus" ? new KeyValuePair<string, string>(f.Key, "undelivered") : f);
        Assert.False(TwilioSignature.IsValid(Token, "https://sipas.example.vn/webhooks/twilio/status", forged, "qRfnO21b8I0fTNwksATbEYejmgw="));
    }

    [Fact]
    public void JsonBodyVector_IsAccepted()
    {
        var vector = Vector("json-body");
        var body = Encoding.UTF8.GetBytes((string)vector["body"]!);
        Assert.True(TwilioSignature.IsValidJsonBody(Token, (string)vector["url"]!, body, (string)vector["expected"]!));
    }

    [Fact]
    public void JsonBody_WithOnlyTheHashInTheQuery_IsAccepted()
    {
        // T8 (twilio-csharp TestValidateWithOnlyHash).
        Assert.True(TwilioSignature.IsValidJsonBody(Token, "https://mycompany.com/myapp.php?bodySHA256=" + JsonBodyHash, Encoding.UTF8.GetBytes(JsonBody), "y77kIzt2vzLz71DgmJGsen2scGs="));
    }

    [Fact]
    public void JsonBody_ChangedByOneByte_IsRejected()
    {
        var body = Encoding.UTF8.GetBytes(JsonBody);
        body[^2] = (byte)'E';
        Assert.False(TwilioSignature.IsValidJsonBody(Token, Url + "&bodySHA256=" + JsonBodyHash, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
    }

    [Fact]
    public void JsonBody_WithoutBodySha256InTheUrl_IsRejected()
    {
        // twilio-csharp TestValidateWithBodyWithoutSignature: a URL-only signature that is right is still not enough.
        Assert.False(TwilioSignature.IsValidJsonBody(Token, Url, Encoding.UTF8.GetBytes(JsonBody), TwilioSignature.Compute(Token, Url, [])));
    }

    [Fact]
    public void JsonBody_WhoseHashMatchesButSignatureDoesNot_IsRejected()
    {
        Assert.False(TwilioSignature.IsValidJsonBody(Token, Url + "&bodySHA256=" + JsonBodyHash, Encoding.UTF8.GetBytes(JsonBody), LibrarySignature));
        Assert.False(TwilioSignature.IsValidJsonBody(Token, Url + "&bodySHA256=" + JsonBodyHash, Encoding.UTF8.GetBytes(JsonBody), null));
    }
}
