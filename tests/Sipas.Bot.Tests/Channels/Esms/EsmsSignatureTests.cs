using Sipas.Bot.Channels.Esms;

namespace Sipas.Bot.Tests.Channels.Esms;

public class EsmsSignatureTests
{
    private const string Cpid = "CP0001";
    private const string SmsId = "a1b2c3d4-0000-4000-8000-000000000001";
    private const string Content = "SIPAS 5 Thủ tục nhanh";
    private const string ReceiveTime = "20261120101530";
    private const string PrivateKey = "17417a0d20114d36a902e49cad0e97f3"; // the example key of eSMS's page

    // Computed once, independently of this code:
    // echo -n 'CP0001a1b2c3d4-0000-4000-8000-000000000001SIPAS 5 Thủ tục nhanh2026112010153017417a0d20114d36a902e49cad0e97f3' | openssl md5 -binary | base64
    // (the text is UTF-8, NFC; Python's base64.b64encode(hashlib.md5(s.encode()).digest()) agrees).
    private const string Sign = "n+xU00JBmhgBGIRa+Xdv9Q==";

    [Fact]
    public void Sign_IsBase64OfTheRawMd5Digest_OfTheConcatenatedValues() =>
        Assert.Equal(Sign, EsmsSignature.Compute(Cpid, SmsId, Content, ReceiveTime, PrivateKey));

    [Fact]
    public void MatchingSign_IsValid() =>
        Assert.True(EsmsSignature.IsValid(Cpid, SmsId, Content, ReceiveTime, PrivateKey, Sign));

    [Theory]
    [InlineData(Cpid, SmsId, "SIPAS 4 Thủ tục nhanh", ReceiveTime, PrivateKey)]
    [InlineData(Cpid, "a1b2c3d4-0000-4000-8000-000000000002", Content, ReceiveTime, PrivateKey)]
    [InlineData(Cpid, SmsId, Content, "20261120101531", PrivateKey)]
    [InlineData("CP0002", SmsId, Content, ReceiveTime, PrivateKey)]
    [InlineData(Cpid, SmsId, Content, ReceiveTime, "17417a0d20114d36a902e49cad0e97f4")]
    [InlineData(Cpid, SmsId, "SIPAS 5 Thu tuc nhanh", ReceiveTime, PrivateKey)]
    public void AnyChangedValueOrWrongKey_IsRejected(string cpid, string smsId, string content, string receiveTime, string privateKey) =>
        Assert.False(EsmsSignature.IsValid(cpid, smsId, content, receiveTime, privateKey, Sign));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("n+xU00JBmhgBGIRa+Xdv9Q")]
    [InlineData("9fec54d342419a180118845af9776ff5")] // the same digest as hex: not what eSMS sends
    [InlineData("N+XU00JBMHGBGIRA+XDV9Q==")]
    public void MissingTruncatedOrOtherlyEncodedSign_IsRejected(string? sign) =>
        Assert.False(EsmsSignature.IsValid(Cpid, SmsId, Content, ReceiveTime, PrivateKey, sign));
}
