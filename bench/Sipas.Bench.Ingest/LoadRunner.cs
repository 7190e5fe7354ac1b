using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sipas.Bench.Ingest;

/// <summary>What one phase of posting gave: per-request timings (Stopwatch ticks) and how the service answered.</summary>
public sealed record LoadResult(
    long ElapsedTicks,
    long[] LatencyTicks,
    long[] CompletedAtTicks,
    IReadOnlyDictionary<string, int> Answers,
    IReadOnlyDictionary<string, int> Errors,
    IReadOnlyList<string> ErrorSamples)
{
    public int ErrorCount => Errors.Values.Sum();

    public double Seconds => (double)ElapsedTicks / Stopwatch.Frequency;

    public double EventsPerSecond => LatencyTicks.Length / Seconds;
}

/// <summary>Posts pre-signed events with a fixed number of concurrent workers over one shared HttpClient.</summary>
public sealed class LoadRunner(HttpClient client, Uri endpoint, string source)
{
    private const int MaxErrorSamples = 10;
    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json");

    public static HttpClient CreateClient(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<LoadResult> RunAsync(SignedEvent[] events, int concurrency, CancellationToken ct)
    {
        var run = new Run(events.Length);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Length)
            {
                await SendOneAsync(events[i], i, run, started, ct);
            }
        }, ct));
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetTimestamp() - started;
        return new LoadResult(elapsed, run.Latencies, run.CompletedAt, run.Answers, run.Errors, [.. run.ErrorSamples]);
    }

    private async Task SendOneAsync(SignedEvent ev, int i, Run run, long phaseStart, CancellationToken ct)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var request = Request(ev);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var answer = await response.Content.ReadAsByteArrayAsync(ct);
            run.Record(i, sent, phaseStart);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                run.Answers.AddOrUpdate(AnswerStatus(answer), 1, (_, n) => n + 1);
            }
            else
            {
                run.Error($"HTTP {(int)response.StatusCode}", $"HTTP {(int)response.StatusCode}: {Shorten(Encoding.UTF8.GetString(answer))}");
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            run.Record(i, sent, phaseStart);
            run.Error(e.GetType().Name, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private HttpRequestMessage Request(SignedEvent ev)
    {
        var content = new ByteArrayContent(ev.Body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Sipas-Source", source);
        request.Headers.TryAddWithoutValidation("X-Sipas-Timestamp", ev.Timestamp);
        request.Headers.TryAddWithoutValidation("X-Sipas-Signature", ev.Signature);
        return request;
    }

    /// <summary>The invitation status in a 202 answer ("scheduled", "skipped"…), so a run that skips every invitation shows.</summary>
    private static string AnswerStatus(byte[] answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
            var reason = root.TryGetProperty("reason", out var r) ? r.GetString() : null;
            return reason is null ? status ?? "(no status)" : $"{status} ({reason})";
        }
        catch (JsonException)
        {
            return "(not JSON)";
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private sealed class Run(int count)
    {
        public long[] Latencies { get; } = new long[count];
        public long[] CompletedAt { get; } = new long[count];
        public ConcurrentDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);
        public ConcurrentQueue<string> ErrorSamples { get; } = new();

        public void Record(int i, long sent, long phaseStart)
        {
            var now = Stopwatch.GetTimestamp();
            Latencies[i] = now - sent;
            CompletedAt[i] = now - phaseStart;
        }

        public void Error(string kind, string sample)
        {
            Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (ErrorSamples.Count < MaxErrorSamples)
            {
                ErrorSamples.Enqueue(sample);
            }
        }
    }
}
