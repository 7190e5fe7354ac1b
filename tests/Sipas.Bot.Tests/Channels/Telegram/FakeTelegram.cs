using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Telegram;

/// <summary>
/// A real HTTP server on loopback that answers like the Bot API (<c>POST /bot{token}/{method}</c>, JSON body, the
/// <c>{"ok":…}</c> envelope) for the methods the service calls, and records every call it received, so tests count
/// what reached "Telegram". Sent messages keep their keyboards so a test can press a button as a citizen would.
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    public const string BotToken = "123456789:AAFakeTokenForTests_0123456789-abcdef";
    public const string BotUsername = "sipas_test_bot";
    public const string WebhookSecret = "s3cr3t_Token-for-tests";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<BotCall> _calls = new();
    private readonly ConcurrentQueue<(string Method, Func<HttpContext, Task> Answer)> _script = new();
    private int _nextMessageId = 100;

    private FakeTelegram(WebApplication app)
    {
        _app = app;
        app.MapPost("/bot{token}/{method}", CallAsync);
    }

    public string BaseUrl => _app.BaseUrl();

    /// <summary>Every call with the right token, in arrival order (scripted failures included).</summary>
    public IReadOnlyList<BotCall> Calls => [.. _calls];

    public IReadOnlyList<BotCall> CallsOf(string method) => [.. _calls.Where(c => c.Method == method)];

    /// <summary>sendMessage calls to one chat, in order.</summary>
    public IReadOnlyList<BotCall> SentTo(long chatId) => [.. CallsOf("sendMessage").Where(c => (long?)c.Body["chat_id"] == chatId)];

    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram(LoopbackServer.Create());
        await fake._app.StartAsync();
        return fake;
    }

    /// <summary>Settings that point the service at this fake.</summary>
    public Dictionary<string, string> ServiceSettings() => new()
    {
        ["Channels:Telegram:BotToken"] = BotToken,
        ["Channels:Telegram:BotUsername"] = BotUsername,
        ["Channels:Telegram:WebhookSecret"] = WebhookSecret,
        ["Channels:Telegram:BaseUrl"] = BaseUrl,
    };

    /// <summary>The next call of <paramref name="method"/> gets this status and the Bot API's error envelope (recorded all the same).</summary>
    public void FailNext(HttpStatusCode status, string description, int? retryAfter = null, string method = "sendMessage") => _script.Enqueue((method, async context =>
    {
        context.Response.StatusCode = (int)status;
        var envelope = new JsonObject { ["ok"] = false, ["error_code"] = (int)status, ["description"] = description };
        if (retryAfter is { } seconds)
        {
            envelope["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }

        await context.Response.WriteAsJsonAsync(envelope);
    }));

    /// <summary>The next call of <paramref name="method"/> gets this status and body as is (a proxy's HTML error page, say).</summary>
    public void FailNextRaw(HttpStatusCode status, string body, string method = "sendMessage") => _script.Enqueue((method, async context =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync(body);
    }));

    /// <summary>The next call of <paramref name="method"/> is recorded, then left unanswered until the caller gives up.</summary>
    public void HangNext(string method = "sendMessage") => _script.Enqueue((method, async context =>
        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default)));

    private async Task CallAsync(HttpContext context, string token, string method)
    {
        if (token != BotToken)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { ok = false, error_code = 401, description = "Unauthorized" });
            return;
        }

        var body = (await JsonNode.ParseAsync(context.Request.Body))?.AsObject() ?? [];
        var messageId = method == "sendMessage" ? Interlocked.Increment(ref _nextMessageId) : (int?)body["message_id"];
        _calls.Enqueue(new BotCall(method, body, messageId));
        if (_script.TryPeek(out var next) && next.Method == method && _script.TryDequeue(out var scripted))
        {
            await scripted.Answer(context);
            return;
        }

        JsonNode? result = method switch
        {
            "sendMessage" or "editMessageText" or "editMessageReplyMarkup" => Message(body, messageId ?? 0),
            "answerCallbackQuery" or "setWebhook" => true,
            _ => null,
        };
        if (result is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { ok = false, error_code = 404, description = "Not Found: method not found" });
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true, ["result"] = result });
    }

    private static JsonObject Message(JsonObject request, int messageId)
    {
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["from"] = new JsonObject { ["id"] = 123456789, ["is_bot"] = true, ["first_name"] = "Sipas", ["username"] = BotUsername },
            ["chat"] = new JsonObject { ["id"] = request["chat_id"]?.DeepClone(), ["type"] = "private" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (request["text"] is { } text)
        {
            message["text"] = text.DeepClone();
        }

        if (request["reply_markup"] is { } markup)
        {
            message["reply_markup"] = markup.DeepClone();
        }

        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One Bot API call as the fake received it.</summary>
/// <param name="MessageId">The message's id in the chat: the one given to a sent message, or the one an edit names.</param>
public sealed record BotCall(string Method, JsonObject Body, int? MessageId)
{
    public string Text => (string?)Body["text"] ?? "";

    /// <summary>The inline keyboard's rows as (label, callback_data), empty when the message has none.</summary>
    public IReadOnlyList<IReadOnlyList<(string Label, string Data)>> Keyboard =>
        Body["reply_markup"]?["inline_keyboard"] is JsonArray rows
            ? [.. rows.Select(row => (IReadOnlyList<(string, string)>)[.. row!.AsArray().Select(b => ((string)b!["text"]!, (string)b["callback_data"]!))])]
            : [];
}
