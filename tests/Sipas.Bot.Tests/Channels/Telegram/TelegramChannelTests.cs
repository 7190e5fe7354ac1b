using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Telegram;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Channels.Telegram;

/// <summary>The provider alone against the fake Bot API: what it sends, and what each kind of refusal means for the message.</summary>
public sealed class TelegramChannelTests : IAsyncLifetime
{
    private const long Chat = 5012345678;
    private FakeTelegram _telegram = null!;

    public async Task InitializeAsync() => _telegram = await FakeTelegram.StartAsync();

    public async Task DisposeAsync() => await _telegram.DisposeAsync();

    private TelegramChannel Channel(string? baseUrl = null) => new(
        new OneClient(),
        Options.Create(new TelegramOptions
        {
            BotToken = FakeTelegram.BotToken, BotUsername = FakeTelegram.BotUsername, WebhookSecret = FakeTelegram.WebhookSecret, BaseUrl = baseUrl ?? _telegram.BaseUrl,
        }),
        TimeProvider.System,
        NullLogger<TelegramChannel>.Instance);

    private static OutgoingMessage Message(string address = "5012345678") => new(
        Guid.CreateVersion7(), MessagePurpose.Question, address, "Câu 2/7: Ông/Bà đánh giá thế nào?", [new("1", "1"), new("5", "5"), new("Bỏ qua", "0")], new Dictionary<string, string>());

    [Fact]
    public async Task Accepted_IsTheChatAndMessageId_AndTheTextAndButtonsReachTheChat()
    {
        var result = await Channel().SendAsync(Message(), CancellationToken.None);

        var call = Assert.Single(_telegram.Calls);
        Assert.Equal("sendMessage", call.Method);
        Assert.Equal(Chat, (long)call.Body["chat_id"]!);
        Assert.Equal("Câu 2/7: Ông/Bà đánh giá thế nào?", call.Text);
        Assert.Equal([[("1", "1"), ("5", "5")], [("Bỏ qua", "0")]], call.Keyboard);
        Assert.Equal(new ChannelSendResult.Accepted($"{Chat}:{call.MessageId}", Delivered: true), result);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden: bot was blocked by the user", FailureKind.OptedOut)]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden: user is deactivated", FailureKind.OptedOut)]
    [InlineData(HttpStatusCode.BadRequest, "Bad Request: chat not found", FailureKind.Recipient)]
    [InlineData(HttpStatusCode.Unauthorized, "Unauthorized", FailureKind.Configuration)]
    [InlineData(HttpStatusCode.NotFound, "Not Found", FailureKind.Configuration)]
    [InlineData(HttpStatusCode.InternalServerError, "Internal Server Error", FailureKind.Transient)]
    [InlineData(HttpStatusCode.BadGateway, "Bad Gateway", FailureKind.Transient)]
    public async Task Refusal_IsClassified_AndTriedOnlyOnce(HttpStatusCode status, string description, FailureKind kind)
    {
        _telegram.FailNext(status, description);

        var result = await Channel().SendAsync(Message(), CancellationToken.None);

        var failed = Assert.IsType<ChannelSendResult.Failed>(result);
        Assert.Equal(kind, failed.Kind);
        Assert.Contains(description, failed.Error, StringComparison.Ordinal);
        Assert.Single(_telegram.Calls);
    }

    [Fact]
    public async Task TooManyRequests_IsTransient_AtTelegramsRetryAfter_WithoutTheLibraryRetrying()
    {
        _telegram.FailNext(HttpStatusCode.TooManyRequests, "Too Many Requests: retry after 7", retryAfter: 7);
        var before = DateTimeOffset.UtcNow;

        var failed = Assert.IsType<ChannelSendResult.Failed>(await Channel().SendAsync(Message(), CancellationToken.None));

        Assert.Equal(FailureKind.Transient, failed.Kind);
        Assert.InRange(failed.RetryAt!.Value, before.AddSeconds(7), DateTimeOffset.UtcNow.AddSeconds(7));
        Assert.Single(_telegram.Calls);
    }

    [Fact]
    public async Task HtmlErrorPage_IsTransient()
    {
        _telegram.FailNextRaw(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>");

        var failed = Assert.IsType<ChannelSendResult.Failed>(await Channel().SendAsync(Message(), CancellationToken.None));

        Assert.Equal(FailureKind.Transient, failed.Kind);
        Assert.Contains("502", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodyListening_IsTransient_NotAmbiguous()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var failed = Assert.IsType<ChannelSendResult.Failed>(await Channel($"http://127.0.0.1:{port}").SendAsync(Message(), CancellationToken.None));

        Assert.Equal(FailureKind.Transient, failed.Kind);
        Assert.Contains("unreachable", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswer_SurfacesAsCancellation_ForTheMessengerToCallAmbiguous()
    {
        _telegram.HangNext();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Channel().SendAsync(Message(), timeout.Token));
        Assert.Single(_telegram.Calls);
    }

    [Fact]
    public async Task AddressThatIsNotAChatId_FailsForTheRecipient_WithoutACall()
    {
        var failed = Assert.IsType<ChannelSendResult.Failed>(await Channel().SendAsync(Message("+84912345678x"), CancellationToken.None));

        Assert.Equal(FailureKind.Recipient, failed.Kind);
        Assert.Empty(_telegram.Calls);
    }

    private sealed class OneClient : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = Timeout.InfiniteTimeSpan };
    }
}
