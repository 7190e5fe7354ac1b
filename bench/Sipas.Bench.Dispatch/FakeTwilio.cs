using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sipas.Bench.Dispatch;

/// <summary>One create-message call as the fake saw it: when it arrived, for whom, what it answered, how long the handler took.</summary>
public readonly record struct FakeCall(long ArrivedAt, string? To, int Status, long HandlerTicks);

/// <summary>
/// Twilio's create-message endpoint on loopback, in the benchmark's process and as small as it can be: checks Basic
/// auth, reads the form, answers 201 with a message sid. With a limit it is a token bucket (rate R, burst B) that
/// answers 429 with Twilio's error envelope (code 20429) when the bucket is empty, as Twilio does for an account
/// sending faster than it may. It keeps every call, so the benchmark checks what arrived where it landed.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "ACbench0000000000000000000000000";
    public const string AuthToken = "bench-auth-token";
    public const string From = "SIPAS";

    private const string TooManyRequests = """{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}""";
    private const string BadCredentials = """{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}""";
    private const string NoRecipient = """{"code":21604,"message":"A 'To' phone number is required.","more_info":"https://www.twilio.com/docs/errors/21604","status":400}""";

    private static readonly string ExpectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private List<FakeCall> _calls = [];
    private int _inFlight;
    private int _maxInFlight;
    private TokenBucket? _bucket;

    private FakeTwilio(WebApplication app)
    {
        _app = app;
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", CreateMessageAsync);
    }

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public Uri MessagesUri => new($"{BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json");

    /// <summary>The most requests the fake was handling at once since the last <see cref="Reset"/>.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public Limit? CurrentLimit => _bucket?.Limit;

    public sealed record Limit(double PerSecond, double Burst)
    {
        /// <summary>A small burst: max(2, R/20), so a send more than a few per cent ahead of the pace is refused.</summary>
        public static Limit For(double perSecond) => new(perSecond, Math.Max(2, Math.Floor(perSecond / 20)));
    }

    public static async Task<FakeTwilio> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeTwilio(builder.Build());
        await fake._app.StartAsync(ct);
        return fake;
    }

    /// <summary>Forgets the calls so far and sets the limit (null: none) for what follows.</summary>
    public void Reset(Limit? limit)
    {
        lock (_lock)
        {
            _calls = [];
            _bucket = limit is null ? null : new TokenBucket(limit);
            Volatile.Write(ref _maxInFlight, 0);
        }
    }

    /// <summary>The calls since the last <see cref="Reset"/>, in arrival order.</summary>
    public FakeCall[] Calls()
    {
        lock (_lock)
        {
            return [.. _calls.OrderBy(c => c.ArrivedAt)];
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task CreateMessageAsync(HttpContext context, string sid)
    {
        var arrived = Stopwatch.GetTimestamp();
        var inFlight = Interlocked.Increment(ref _inFlight);
        UpdateMax(inFlight);
        string? to = null;
        int status;
        try
        {
            (status, to) = await AnswerAsync(context, sid, arrived);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        var call = new FakeCall(arrived, to, status, Stopwatch.GetTimestamp() - arrived);
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    private async Task<(int Status, string? To)> AnswerAsync(HttpContext context, string sid, long arrived)
    {
        if (sid != AccountSid || context.Request.Headers.Authorization != ExpectedAuthorization)
        {
            return (await WriteAsync(context, StatusCodes.Status401Unauthorized, BadCredentials), null);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var to = form["To"].ToString();
        if (to.Length == 0 || form["Body"].ToString().Length == 0 || form["From"].ToString().Length == 0)
        {
            return (await WriteAsync(context, StatusCodes.Status400BadRequest, NoRecipient), to);
        }

        TokenBucket? bucket;
        lock (_lock)
        {
            bucket = _bucket;
        }
        if (bucket is not null && !bucket.TryTake(arrived))
        {
            return (await WriteAsync(context, StatusCodes.Status429TooManyRequests, TooManyRequests), to);
        }

        var created = $$"""{"sid":"SM{{Guid.NewGuid():N}}","status":"queued","to":"{{to}}","from":"{{From}}"}""";
        return (await WriteAsync(context, StatusCodes.Status201Created, created), to);
    }

    private static async Task<int> WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
        return status;
    }

    private void UpdateMax(int inFlight)
    {
        var max = Volatile.Read(ref _maxInFlight);
        while (inFlight > max && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) is var seen && seen != max)
        {
            max = seen;
        }
    }

    /// <summary>Refills at the limit's rate up to its burst; each accepted message takes one token.</summary>
    private sealed class TokenBucket(Limit limit)
    {
        private readonly Lock _lock = new();
        private double _tokens = limit.Burst;
        private long _last = Stopwatch.GetTimestamp();

        public Limit Limit => limit;

        public bool TryTake(long now)
        {
            lock (_lock)
            {
                if (now > _last)
                {
                    _tokens = Math.Min(limit.Burst, _tokens + ((double)(now - _last) / Stopwatch.Frequency * limit.PerSecond));
                    _last = now;
                }
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}
