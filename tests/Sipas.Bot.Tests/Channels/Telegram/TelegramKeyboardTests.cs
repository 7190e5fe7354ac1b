using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sipas.Bot.Channels.Telegram;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Channels.Telegram;

/// <summary>How choices become inline buttons, and how a deep link's /start is read.</summary>
public sealed class TelegramKeyboardTests
{
    private static readonly TelegramChannel Channel = new(null!, Options.Create(new TelegramOptions()), TimeProvider.System, NullLogger<TelegramChannel>.Instance);

    [Fact]
    public void ScaleChoices_PutTheNumbersOnOneRow_AndTheRestOnTheNext()
    {
        MessageChoice[] choices = [new("1", "1"), new("2", "2"), new("3", "3"), new("4", "4"), new("5", "5"), new("Không áp dụng", "9"), new("Bỏ qua", "0")];

        var rows = Channel.Keyboard(choices)!.InlineKeyboard.Select(row => row.Select(b => (b.Text, b.CallbackData)).ToList()).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal(["1", "2", "3", "4", "5"], rows[0].Select(b => b.CallbackData));
        Assert.Equal([("Không áp dụng", "9"), ("Bỏ qua", "0")], rows[1]);
    }

    [Fact]
    public void YesNo_KeepsItsVietnameseLabels()
    {
        var rows = Channel.Keyboard([new("Có", "1"), new("Không", "2"), new("Bỏ qua", "0")])!.InlineKeyboard.Select(row => row.Select(b => b.Text).ToList()).ToList();

        Assert.Equal([["Có", "Không"], ["Bỏ qua"]], rows);
    }

    [Fact]
    public void PayloadOverSixtyFourBytes_IsLeftOut_AndNoChoicesMeanNoKeyboard()
    {
        var tooLong = new string('ấ', 22); // 3 bytes each in UTF-8: 66 bytes.

        var rows = Channel.Keyboard([new("Dài", tooLong), new("Bỏ qua", "0")])!.InlineKeyboard.ToList();

        Assert.Equal("0", Assert.Single(Assert.Single(rows)).CallbackData);
        Assert.Null(Channel.Keyboard([]));
    }

    [Theory]
    [InlineData("/start Ab3dE9xKq2", "Ab3dE9xKq2")]
    [InlineData("/start@sipas_bot Ab3dE9xKq2", "Ab3dE9xKq2")]
    [InlineData("  /start   abc_DEF-123 ", "abc_DEF-123")]
    [InlineData("/start", null)]
    [InlineData("/start a b", null)]
    [InlineData("/start <script>", null)]
    [InlineData("/started Ab3dE9xKq2", null)]
    [InlineData("Ab3dE9xKq2", null)]
    public void StartCode_ReadsOnlyAWellFormedDeepLinkPayload(string text, string? expected) =>
        Assert.Equal(expected, TelegramUpdateHandler.StartCode(text));

    [Theory]
    [InlineData("123456789:AAH-abc_DEF", "sipas_bot", "s3cr3t_Token", true)]
    [InlineData("not-a-token", "sipas_bot", "s3cr3t_Token", false)]
    [InlineData("123456789:AAH-abc_DEF", "ab", "s3cr3t_Token", false)]
    [InlineData("123456789:AAH-abc_DEF", "sipas_bot", "has space", false)]
    public void Options_AreValidated(string token, string username, string secret, bool valid)
    {
        var options = new TelegramOptions { BotToken = token, BotUsername = username, WebhookSecret = secret };

        Assert.Equal(valid, !options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Any());
    }
}
