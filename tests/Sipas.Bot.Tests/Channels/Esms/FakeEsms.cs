using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Esms;

/// <summary>
/// A real HTTP server on loopback that answers like eSMS's CSKH send endpoint (JSON in, <c>CodeResult</c> out),
/// deduplicates <c>RequestId</c> as eSMS does (124 for one it has seen), and records every call it received.
/// </summary>
public sealed class FakeEsms : IAsyncDisposable
{
    public const string ApiKey = "fake-esms-api-key";
    public const string SecretKey = "fake-esms-secret-key";
    public const string Brandname = "SIPAS";
    public const string CallbackSecretPath = "cb_0123456789abcdefghijklmnop";
    public const string ShortCode = "8079";
    public const string CpId = "fake-cp-42";
    public const string PrivateKey = "17417a0d20114d36a902e49cad0e97f3";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedEsms> _received = new();
    private readonly ConcurrentDictionary<string, string> _smsIdByRequest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(bool GoesThrough, Func<HttpContext, Task> Answer)> _script = new();

    private FakeEsms(WebApplication app)
    {
        _app = app;
        app.MapPost("/MainService.svc/json/SendMultipleMessage_V4_post_json/", SendAsync);
    }

    public string BaseUrl => _app.BaseUrl();

    /// <summary>Every send call that reached the fake, in arrival order (repeats and refusals included).</summary>
    public IReadOnlyList<ReceivedEsms> Received => [.. _received];

    /// <summary>What eSMS actually sent on to phones: one SMS per RequestId it accepted (a 124 sends nothing).</summary>
    public IReadOnlyCollection<string> AcceptedRequestIds => [.. _smsIdByRequest.Keys];

    public string? SmsIdOf(string requestId) => _smsIdByRequest.GetValueOrDefault(requestId);

    public Dictionary<string, string> ServiceSettings(bool twoWay = false)
    {
        var settings = new Dictionary<string, string>
        {
            ["Channels:Esms:ApiKey"] = ApiKey,
            ["Channels:Esms:SecretKey"] = SecretKey,
            ["Channels:Esms:Brandname"] = Brandname,
            ["Channels:Esms:BaseUrl"] = BaseUrl,
            ["Channels:Esms:CallbackSecretPath"] = CallbackSecretPath,
            ["Channels:Simulator:Enabled"] = "false",
        };
        if (twoWay)
        {
            settings["Channels:Esms:ShortCode"] = ShortCode;
            settings["Channels:Esms:CpId"] = CpId;
            settings["Channels:Esms:PrivateKey"] = PrivateKey;
        }

        return settings;
    }

    public static async Task<FakeEsms> StartAsync()
    {
        var fake = new FakeEsms(LoopbackServer.Create());
        await fake._app.StartAsync();
        return fake;
    }

    /// <summary>The next call is answered with this CodeResult (HTTP 200, as eSMS answers its refusals).</summary>
    public void FailNext(string code) =>
        _script.Enqueue((false, context => Answer(context, new { CodeResult = code, ErrorMessage = $"fake refusal {code}" })));

    /// <summary>The next call gets this HTTP status, nothing sent.</summary>
    public void FailNextHttp(int status) => _script.Enqueue((false, context =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync("Internal Server Error");
    }));

    /// <summary>The next call goes through (its SMS is sent, its RequestId remembered), but its answer never comes.</summary>
    public void HangNext() =>
        _script.Enqueue((true, context => Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default)));

    private async Task SendAsync(HttpContext context)
    {
        using var json = await JsonDocument.ParseAsync(context.Request.Body);
        var root = json.RootElement;
        string Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        var call = new ReceivedEsms(
            Field("ApiKey"), Field("SecretKey"), Field("Phone"), Field("Content"), Field("Brandname"), Field("SmsType"), Field("IsUnicode"), Field("Sandbox"),
            Field("RequestId"), Field("CallbackUrl"));
        _received.Enqueue(call);
        if (call.ApiKey != ApiKey || call.SecretKey != SecretKey)
        {
            await Answer(context, new { CodeResult = "101", ErrorMessage = "Sai ApiKey hoặc SecretKey" });
            return;
        }

        if (_script.TryDequeue(out var scripted))
        {
            if (scripted.GoesThrough)
            {
                _smsIdByRequest.TryAdd(call.RequestId, Guid.NewGuid().ToString());
            }

            await scripted.Answer(context);
            return;
        }

        var smsId = Guid.NewGuid().ToString();
        if (!_smsIdByRequest.TryAdd(call.RequestId, smsId))
        {
            await Answer(context, new { CodeResult = "124", ErrorMessage = "Trùng RequestId" });
            return;
        }

        await Answer(context, new { CodeResult = "100", CountRegenerate = 0, SMSID = smsId });
    }

    /// <summary>eSMS spells its fields in PascalCase, not the web default's camelCase.</summary>
    private static Task Answer(HttpContext context, object body) => context.Response.WriteAsJsonAsync(body, PascalCase);

    private static readonly JsonSerializerOptions PascalCase = new();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedEsms(
    string ApiKey, string SecretKey, string Phone, string Content, string Brandname, string SmsType, string IsUnicode, string Sandbox, string RequestId, string CallbackUrl);
