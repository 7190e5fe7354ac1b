using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>Renews the Zalo token pair ahead of its expiry (every 30 minutes, refreshing once past the renewal time).</summary>
public sealed class ZaloTokenRefreshJob(IOptions<ZaloOptions> options, ZaloTokenStore tokens)
{
    public const string RecurringJobId = "zalo-token-refresh";

    [JobDisplayName("Gia hạn mã truy cập Zalo")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HasAccount)
        {
            await tokens.RenewIfDueAsync(cancellationToken);
        }
    }
}

/// <summary>
/// Reads the rating template's ratings of the last two days back from Zalo (<c>GET /rating/get</c>, docs/channels.md
/// §2.4) and records those the webhook missed: the push event is not confirmed against Zalo's own page, the pull is.
/// </summary>
public sealed class ZaloRatingReconciliationJob(
    IHttpClientFactory httpClients, IOptions<ZaloOptions> options, ZaloTokenStore tokens, ZaloRatingRecorder recorder, TimeProvider time, ILogger<ZaloRatingReconciliationJob> logger)
{
    public const string RecurringJobId = "zalo-rating-reconciliation";
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(2);
    private const int PageSize = 500;
    private const int MaxPages = 100;

    /// <summary>The number of ratings newly recorded.</summary>
    [JobDisplayName("Đối soát đánh giá Zalo bị thiếu")]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsZnsConfigured || settings.RatingTemplate is not { } template)
        {
            return 0;
        }

        if (await tokens.AccessTokenAsync(cancellationToken) is not { } accessToken)
        {
            return 0;
        }

        var to = time.GetUtcNow();
        var from = to - LookBack;
        var recorded = 0;
        for (var page = 0; page < MaxPages; page++)
        {
            var url = $"{settings.BusinessBaseUrl.TrimEnd('/')}/rating/get?template_id={Uri.EscapeDataString(template)}"
                + $"&from_time={from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}&to_time={to.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}"
                + $"&offset={(page * PageSize).ToString(CultureInfo.InvariantCulture)}&limit={PageSize.ToString(CultureInfo.InvariantCulture)}";
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("access_token", accessToken);
            var call = await ZaloApi.SendAsync(httpClients.CreateClient(ZaloApi.HttpClientName), request, cancellationToken);
            if (call is not ZaloCall.Answered { Succeeded: true, Data: { } data })
            {
                var error = call switch
                {
                    ZaloCall.Answered answered => answered.Describe("rating/get"),
                    ZaloCall.Unreachable unreachable => unreachable.Error,
                    ZaloCall.Lost lost => lost.Error,
                    _ => call.GetType().Name,
                };
                if (call is ZaloCall.Answered { Error: { } code } && ZaloApi.TokenErrors.Contains(code))
                {
                    await tokens.ReplaceAsync(accessToken, cancellationToken);
                }

                logger.LogWarning("Reading Zalo ratings failed; the next run tries again: {Error}", error);
                return recorded;
            }

            var items = data.TryGetProperty("data", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array ? [.. list.EnumerateArray()] : new List<System.Text.Json.JsonElement>();
            foreach (var item in items.Where(i => i.ValueKind == System.Text.Json.JsonValueKind.Object))
            {
                var stars = item.TryGetProperty("rate", out var rate) ? ZaloApi.ReadInt(rate) : null;
                if (ZaloEvent.ReadRating(item, stars, "submitDate", "trackingId", "msgId") is not { } rating)
                {
                    logger.LogWarning("A Zalo rating/get item has feedbacks or a note of the wrong type; skipped");
                    continue;
                }

                recorded += await recorder.RecordAsync(rating, cancellationToken) == RatingOutcome.Recorded ? 1 : 0;
            }

            var total = data.TryGetProperty("total", out var t) ? ZaloApi.ReadInt(t) : null;
            if (items.Count < PageSize || (total is { } all && (page + 1) * PageSize >= all))
            {
                break;
            }
        }

        if (recorded > 0)
        {
            logger.LogInformation("Zalo rating reconciliation recorded {Count} ratings the webhook had not brought", recorded);
        }

        return recorded;
    }
}
