using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Zalo;

/// <summary>
/// A real HTTP server on loopback that answers like Zalo: the OAuth v4 token endpoint with rotating single-use
/// refresh tokens (a used one is refused), ZNS <c>/message/template</c>, <c>/rating/get</c> and the OA's
/// <c>/v3.0/oa/message/cs</c>, errors as <c>{"error": -n}</c> with HTTP 200. Every call is recorded.
/// </summary>
public sealed class FakeZalo : IAsyncDisposable
{
    // The app id and OA secret of the shared fixtures (signatures.json), so their signed bodies verify as they are.
    public const string AppId = "2074138120372622546";
    public const string OaId = "579745863508352884";
    public const string OaSecretKey = "oaSecretKeyForTests123";
    public const string AppSecret = "fake-app-secret";
    public const string InitialRefreshToken = "rt-initial";
    public const string InvitationTemplate = "7895417a7d3f9461cd2e";

    private readonly WebApplication _app;
    private readonly Lock _tokens = new();
    private readonly HashSet<string> _issuedAccessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ZnsCall> _templates = new();
    private readonly ConcurrentQueue<OaCall> _csMessages = new();
    private readonly ConcurrentQueue<RatingQuery> _ratingQueries = new();
    private readonly ConcurrentQueue<JsonObject> _ratings = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _sendScript = new();
    private string _validRefreshToken = InitialRefreshToken;
    private int _issued;
    private int _refreshCalls;
    private int _refused;
    private int _failRefreshes;

    private FakeZalo(WebApplication app)
    {
        _app = app;
        app.MapPost("/v4/oa/access_token", AccessTokenAsync);
        app.MapPost("/message/template", TemplateAsync);
        app.MapGet("/rating/get", RatingsAsync);
        app.MapPost("/v3.0/oa/message/cs", ConsultationAsync);
    }

    public string BaseUrl => _app.BaseUrl();

    public IReadOnlyList<ZnsCall> Templates => [.. _templates];

    public IReadOnlyList<OaCall> CsMessages => [.. _csMessages];

    public IReadOnlyList<RatingQuery> RatingQueries => [.. _ratingQueries];

    /// <summary>Token pairs issued (successful refreshes).</summary>
    public int Refreshes => Volatile.Read(ref _issued);

    /// <summary>Every call to the token endpoint, refused or not.</summary>
    public int RefreshCalls => Volatile.Read(ref _refreshCalls);

    /// <summary>Refresh calls refused (a reused or unknown refresh token, a scripted failure).</summary>
    public int RefusedRefreshes => Volatile.Read(ref _refused);

    /// <summary>How long the token endpoint takes to answer: long enough for two refreshers to overlap.</summary>
    public TimeSpan RefreshDelay { get; set; }

    public Dictionary<string, string> ServiceSettings() => new()
    {
        ["Channels:Zalo:AppId"] = AppId,
        ["Channels:Zalo:AppSecret"] = AppSecret,
        ["Channels:Zalo:OaId"] = OaId,
        ["Channels:Zalo:OaSecretKey"] = OaSecretKey,
        ["Channels:Zalo:InitialRefreshToken"] = InitialRefreshToken,
        ["Channels:Zalo:OAuthBaseUrl"] = BaseUrl,
        ["Channels:Zalo:BusinessBaseUrl"] = BaseUrl,
        ["Channels:Zalo:OpenApiBaseUrl"] = BaseUrl,
        ["Channels:Zalo:Zns:InvitationTemplateId"] = InvitationTemplate,
        ["Channels:Zalo:Zns:Params:ten_co_quan"] = "unit_name",
        ["Channels:Zalo:Zns:Params:ma_ho_so"] = "dossier_code",
        ["Channels:Zalo:Zns:Params:ma_khao_sat"] = "survey_code",
        ["Channels:Zalo:Zns:ParamMaxLengths:ten_co_quan"] = "10",
    };

    public static async Task<FakeZalo> StartAsync()
    {
        var fake = new FakeZalo(LoopbackServer.Create());
        await fake._app.StartAsync();
        return fake;
    }

    /// <summary>The next ZNS or OA send gets this Zalo error (HTTP 200), after being recorded.</summary>
    public void FailNext(int error) => _sendScript.Enqueue(context => Json(context, new JsonObject { ["error"] = error, ["message"] = $"Scripted error {error}" }));

    /// <summary>The next ZNS or OA send gets this HTTP status with an HTML body.</summary>
    public void FailNextHttp(HttpStatusCode status) => _sendScript.Enqueue(async context =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body>Bad gateway</body></html>");
    });

    /// <summary>The next ZNS or OA send is recorded, then never answered until the caller gives up.</summary>
    public void HangNext() => _sendScript.Enqueue(context => Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));

    /// <summary>The next refresh is refused (and the refresh token is not rotated).</summary>
    public void FailNextRefresh() => Interlocked.Increment(ref _failRefreshes);

    /// <summary>Back to the first refresh token, as if an OA admin minted it again.</summary>
    public void ResetTokens()
    {
        lock (_tokens)
        {
            _validRefreshToken = InitialRefreshToken;
        }
    }

    /// <summary>A rating the citizen gave on the rating template, as <c>rating/get</c> will list it.</summary>
    public void AddRating(string msgId, string trackingId, int rate, string[] feedbacks, string note, DateTimeOffset submitted, string templateId = InvitationTemplate) =>
        _ratings.Enqueue(new JsonObject
        {
            ["templateId"] = templateId,
            ["note"] = note,
            ["rate"] = rate,
            ["submitDate"] = submitted.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["msgId"] = msgId,
            ["feedbacks"] = new JsonArray([.. feedbacks.Select(f => (JsonNode)f)]),
            ["trackingId"] = trackingId,
            ["oaId"] = OaId,
        });

    private async Task AccessTokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _refreshCalls);
        var form = await context.Request.ReadFormAsync();
        if (RefreshDelay > TimeSpan.Zero)
        {
            await Task.Delay(RefreshDelay);
        }

        if (context.Request.Headers["secret_key"] != AppSecret || form["app_id"] != AppId || form["grant_type"] != "refresh_token")
        {
            Interlocked.Increment(ref _refused);
            await Json(context, new JsonObject { ["error"] = -14002, ["error_name"] = "Invalid app", ["error_description"] = "app_id or secret_key is invalid" });
            return;
        }

        JsonObject answer;
        lock (_tokens)
        {
            if (_failRefreshes > 0 || form["refresh_token"] != _validRefreshToken)
            {
                _failRefreshes = Math.Max(0, _failRefreshes - 1);
                Interlocked.Increment(ref _refused);
                answer = new JsonObject { ["error"] = -14014, ["error_name"] = "Invalid refresh token", ["error_description"] = "Refresh token is invalid or has been used" };
            }
            else
            {
                var n = Interlocked.Increment(ref _issued);
                _validRefreshToken = $"rt-{n}";
                _issuedAccessTokens.Add($"at-{n}");
                // expires_in is a string, as Zalo sends it.
                answer = new JsonObject { ["access_token"] = $"at-{n}", ["refresh_token"] = _validRefreshToken, ["expires_in"] = "90000" };
            }
        }

        await Json(context, answer);
    }

    private bool Authorised(HttpContext context, out string token)
    {
        token = context.Request.Headers["access_token"].ToString();
        lock (_tokens)
        {
            return _issuedAccessTokens.Contains(token);
        }
    }

    private async Task TemplateAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        if (!Authorised(context, out var token))
        {
            await Json(context, new JsonObject { ["error"] = -124, ["message"] = "Access token is invalid" });
            return;
        }

        var data = body["template_data"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
        _templates.Enqueue(new ZnsCall((string)body["phone"]!, (string)body["template_id"]!, data, (string?)body["tracking_id"], token));
        if (_sendScript.TryDequeue(out var scripted))
        {
            await scripted(context);
            return;
        }

        await Json(context, new JsonObject
        {
            ["error"] = 0,
            ["message"] = "Success",
            ["data"] = new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N")[..20],
                ["sent_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                ["sending_mode"] = "1",
                ["quota"] = new JsonObject { ["dailyQuota"] = "500", ["remainingQuota"] = "499" },
            },
        });
    }

    private async Task ConsultationAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        if (!Authorised(context, out var token))
        {
            await Json(context, new JsonObject { ["error"] = -216, ["message"] = "Access token is invalid" });
            return;
        }

        var userId = (string)body["recipient"]!["user_id"]!;
        _csMessages.Enqueue(new OaCall(userId, (string)body["message"]!["text"]!, token));
        if (_sendScript.TryDequeue(out var scripted))
        {
            await scripted(context);
            return;
        }

        await Json(context, new JsonObject
        {
            ["data"] = new JsonObject { ["message_id"] = Guid.NewGuid().ToString("N")[..20], ["user_id"] = userId, ["sent_time"] = "1626926349402" },
            ["error"] = 0,
            ["message"] = "Success",
        });
    }

    private async Task RatingsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var call = new RatingQuery(
            query["template_id"].ToString(), long.Parse(query["from_time"]!, CultureInfo.InvariantCulture), long.Parse(query["to_time"]!, CultureInfo.InvariantCulture),
            int.Parse(query["offset"]!, CultureInfo.InvariantCulture), int.Parse(query["limit"]!, CultureInfo.InvariantCulture), context.Request.Headers["access_token"].ToString());
        _ratingQueries.Enqueue(call);
        if (!Authorised(context, out _))
        {
            await Json(context, new JsonObject { ["error"] = -124, ["message"] = "Access token is invalid" });
            return;
        }

        var matching = _ratings.Where(r => (string)r["templateId"]! == call.TemplateId)
            .Where(r => long.Parse((string)r["submitDate"]!, CultureInfo.InvariantCulture) is var at && at >= call.FromTime && at <= call.ToTime)
            .ToList();
        var page = new JsonArray([.. matching.Skip(call.Offset).Take(call.Limit).Select(r =>
        {
            var copy = r.DeepClone().AsObject();
            copy.Remove("templateId");
            return (JsonNode)copy;
        })]);
        await Json(context, new JsonObject { ["error"] = 0, ["message"] = "Success", ["data"] = new JsonObject { ["total"] = matching.Count, ["data"] = page } });
    }

    private static async Task Json(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ZnsCall(string Phone, string TemplateId, IReadOnlyDictionary<string, string> TemplateData, string? TrackingId, string AccessToken);

public sealed record OaCall(string UserId, string Text, string AccessToken);

public sealed record RatingQuery(string TemplateId, long FromTime, long ToTime, int Offset, int Limit, string AccessToken);
