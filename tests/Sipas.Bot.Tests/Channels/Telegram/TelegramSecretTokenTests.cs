using System.Text.Json.Nodes;
using Sipas.Bot.Channels.Telegram;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Telegram;

public class TelegramSecretTokenTests
{
    private static readonly JsonNode Example = JsonNode.Parse(Fixtures.Text("Channels/Telegram/secret-token.json"))!;
    private static readonly string Secret = (string)Example["exampleSecret"]!;

    [Fact]
    public void HeaderName_IsTheOneTelegramSends() =>
        Assert.Equal(TelegramSecretToken.HeaderName, (string)Example["header"]!);

    [Fact]
    public void ExampleSecret_IsWellFormed() => Assert.True(TelegramSecretToken.IsWellFormed(Secret));

    [Theory]
    [InlineData("a")]
    [InlineData("AZaz09_-")]
    public void AllowedCharacters_AreWellFormed(string secret) => Assert.True(TelegramSecretToken.IsWellFormed(secret));

    [Fact]
    public void LengthLimits_Are1To256()
    {
        Assert.True(TelegramSecretToken.IsWellFormed(new string('x', 256)));
        Assert.False(TelegramSecretToken.IsWellFormed(new string('x', 257)));
        Assert.False(TelegramSecretToken.IsWellFormed(""));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("semi;colon")]
    [InlineData("dot.ted")]
    [InlineData("bí_mật")]
    [InlineData("ｆｕｌｌｗｉｄｔｈ")]
    [InlineData("tab\t")]
    public void OtherCharacters_AreNotWellFormed(string secret) => Assert.False(TelegramSecretToken.IsWellFormed(secret));

    [Fact]
    public void ExampleHeader_MatchesTheConfiguredSecret() => Assert.True(TelegramSecretToken.Matches(Secret, Secret));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s3cr3t_Token-for-test")]
    [InlineData("s3cr3t_Token-for-testsX")]
    [InlineData("s3cr3t_token-for-tests")]
    [InlineData(" s3cr3t_Token-for-tests")]
    public void AnyOtherHeader_DoesNotMatch(string? header) => Assert.False(TelegramSecretToken.Matches(Secret, header));

    [Fact]
    public void EmptyConfiguredSecret_MatchesNothing_NotEvenAnEmptyHeader() =>
        Assert.False(TelegramSecretToken.Matches("", ""));
}
