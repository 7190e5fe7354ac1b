using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Sipas.Bench.Ingest;

namespace Sipas.Bench.Dispatch;

/// <summary>What the fake Twilio answered when loaded directly, with no service in the way.</summary>
public sealed record FakeCapacity(int Concurrency, double Seconds, int Requests, int Errors, double RequestsPerSecond, double P50Ms, double P99Ms, CpuUsage Cpu);

/// <summary>
/// The fake's raw capacity: form posts shaped like the service's (To, Body of an SMS with a link, From,
/// ValidityPeriod; Basic auth) from a fixed number of workers over one client for a few seconds. Both ends run in
/// the benchmark's process, so this is a ceiling for the fake and the loopback, not for a real Twilio.
/// </summary>
public static class FakeCapacityProbe
{
    private const string Body = "UBND xa Bench: moi Ong/Ba danh gia muc do hai long ve ho so BENCH.000001. Tra loi tai https://sipas.bench/s/AbCdEf1234 truoc 21:00 30/11/2026";

    public static async Task<FakeCapacity> RunAsync(FakeTwilio fake, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        fake.Reset(limit: null);
        using var client = LoadRunner.CreateClient(concurrency);
        var authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")));
        var latencies = new List<long>[concurrency];
        var errors = 0;
        var meter = new CpuMeter(servicePid: 0, postmasterPidFile: "");
        var before = meter.Take();
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, fake.MessagesUri) { Content = Form(w, n) };
                request.Headers.Authorization = authorization;
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, ct);
                _ = await response.Content.ReadAsStringAsync(ct);
                mine.Add(Stopwatch.GetTimestamp() - sent);
                if ((int)response.StatusCode != 201)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, ct));
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = CpuMeter.Between(before, meter.Take());
        var sorted = latencies.SelectMany(l => l).Order().ToArray();
        fake.Reset(limit: null);
        return new FakeCapacity(
            concurrency, seconds, sorted.Length, errors, sorted.Length / seconds,
            LatencyStats.Ms(LatencyStats.Percentile(sorted, 0.50)), LatencyStats.Ms(LatencyStats.Percentile(sorted, 0.99)), cpu);
    }

    private static FormUrlEncodedContent Form(int worker, int n) => new(
    [
        new("To", string.Create(CultureInfo.InvariantCulture, $"+8490{worker:D3}{n % 10_000:D4}")),
        new("Body", Body),
        new("From", FakeTwilio.From),
        new("ValidityPeriod", "14400"),
    ]);
}
