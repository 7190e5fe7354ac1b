using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Twilio;

/// <summary>
/// A real HTTP server on loopback that answers like Twilio's create-message endpoint (Basic auth, form body,
/// 201 JSON or the error envelope) and records every call it received, so tests count sends where they land.
/// Other processes (service processes under test) reach it through <see cref="BaseUrl"/>.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "ACfaketestaccount0000000000000000";
    public const string AuthToken = "fake-auth-token";
    public const string From = "SIPAS";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSms> _received = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _script = new();
    private readonly ConcurrentQueue<string> _nextSids = new();

    private FakeTwilio(WebApplication app)
    {
        _app = app;
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", CreateMessageAsync);
    }

    public string BaseUrl => _app.BaseUrl();

    /// <summary>Every create-message call that reached the fake with valid credentials, in arrival order.</summary>
    public IReadOnlyList<ReceivedSms> Received => [.. _received];

    /// <summary>Settings that point the service at this fake (environment-variable form for service processes).</summary>
    public Dictionary<string, string> ServiceSettings(bool environmentStyle = true)
    {
        var separator = environmentStyle ? "__" : ":";
        return new Dictionary<string, string>
        {
            [$"Channels{separator}Twilio{separator}AccountSid"] = AccountSid,
            [$"Channels{separator}Twilio{separator}AuthToken"] = AuthToken,
            [$"Channels{separator}Twilio{separator}From"] = From,
            [$"Channels{separator}Twilio{separator}BaseUrl"] = BaseUrl,
            [$"Channels{separator}Simulator{separator}Enabled"] = "false",
        };
    }

    public static async Task<FakeTwilio> StartAsync()
    {
        var fake = new FakeTwilio(LoopbackServer.Create());
        await fake._app.StartAsync();
        return fake;
    }

    /// <summary>The next call gets this HTTP status and Twilio error envelope (recorded all the same).</summary>
    public void FailNext(HttpStatusCode status, int code, string message) => _script.Enqueue(async context =>
    {
        context.Response.StatusCode = (int)status;
        await context.Response.WriteAsJsonAsync(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status = (int)status });
        return true;
    });

    /// <summary>The next accepted message gets this sid, so a test can send its status callback before the send is recorded.</summary>
    public void NextSid(string sid) => _nextSids.Enqueue(sid);

    /// <summary>The next call is received and recorded, then left unanswered until the caller gives up.</summary>
    public void HangNext() => _script.Enqueue(async context =>
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        return true;
    });

    private async Task CreateMessageAsync(HttpContext context, string account)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || context.Request.Headers.Authorization != expected)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 });
            return;
        }

        var form = await context.Request.ReadFormAsync();
        _received.Enqueue(new ReceivedSms(form["To"].ToString(), form["From"].ToString(), form["Body"].ToString(), form["ValidityPeriod"].ToString(), form["StatusCallback"].ToString(), DateTimeOffset.UtcNow));
        if (_script.TryDequeue(out var scripted) && await scripted(context))
        {
            return;
        }

        var answer = JsonNode.Parse(Fixtures.Text("Channels/Twilio/create-message-201.json"))!.AsObject();
        answer["sid"] = _nextSids.TryDequeue(out var sid) ? sid : "SM" + Guid.NewGuid().ToString("N");
        answer["to"] = form["To"].ToString();
        answer["from"] = form["From"].ToString();
        answer["body"] = form["Body"].ToString();
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <param name="At">When the request arrived (the real clock), so tests can see how sends were paced.</param>
public sealed record ReceivedSms(string To, string From, string Body, string ValidityPeriod, string StatusCallback, DateTimeOffset At);
