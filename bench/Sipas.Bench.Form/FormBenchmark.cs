using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Sipas.Bench.Dispatch;
using Sipas.Bench.Ingest;
using Sipas.Data.Hosting;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bench.Form;

/// <summary>One measured phase: its timings, errors, and the CPU the client, the service and PostgreSQL used.</summary>
public sealed record FormPhase(string Name, LoadResult Load, LatencyStats Latency, CpuUsage Cpu);

/// <summary>
/// One run: a private durable PostgreSQL, the service (role web) on it, N invitations seeded (their form asks the
/// `full` questionnaire), then page views of <c>GET /s/{code}</c> and full submissions (GET for the token, POST, 303).
/// </summary>
public sealed partial class FormBenchmark(FormBenchOptions options, string commandLine)
{
    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private readonly string _personalDataKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task<FormReport> RunAsync(CancellationToken ct)
    {
        var paths = BenchPaths.Resolve(options.RepoRoot, options.ServiceDll, options.OutputDirectory);
        Directory.CreateDirectory(paths.OutputDirectory);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"sipas-bench-{_runId}");
        var machine = MachineInfo.Read(Path.GetTempPath());
        Say($"Machine: {machine.Describe()}");
        var background = await QuietMachine.WaitAsync(options.QuietWaitSeconds, ct);

        Say($"Starting a durable PostgreSQL in {dataDirectory}");
        await using var cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions { DataDirectory = dataDirectory, Ephemeral = true, Durable = true, Database = "sipas" }, ct: ct);
        var postgres = await PostgresInfo.ReadAsync(cluster.ConnectionString, ct);
        Say(postgres.Describe());

        var logPath = Path.Combine(paths.OutputDirectory, $"service-form-{_runId}.log");
        Say($"Starting the service (role web); its log: {logPath}");
        var startedAt = DateTimeOffset.UtcNow;
        FormReport report;
        await using (var service = ServiceProcess.Start(new ServiceProcess.Settings(
            paths.ServiceDll, cluster.ConnectionString, "web", "bench", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), options.LogLevel, logPath,
            [
                $"Sipas__PersonalDataKey={_personalDataKey}",
                "Sipas__PublicBaseUrl=https://sipas.bench",
                "Channels__Simulator__Enabled=true",
                // Every request comes from 127.0.0.1: the per-address limit would measure itself, not the form.
                "WebForm__RateLimit__PermitsPerMinute=2000000000",
                .. options.ServiceEnvironment,
            ])))
        {
            // The 303 after a submission is the answer measured; following it would time the thank-you page too.
            using var client = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = options.Concurrency,
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
            })
            {
                BaseAddress = service.BaseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            await service.WaitUntilReadyAsync(client, ct);
            var codes = await SeedAsync(cluster.ConnectionString, ct);
            var meter = new CpuMeter(service.Pid, Path.Combine(dataDirectory, "pgdata", "postmaster.pid"));

            var pageBytes = await PageBytesAsync(client, codes[0], ct);
            Say($"The form weighs {pageBytes} bytes");
            if (options.Warmup > 0)
            {
                Say($"Warming up: {options.Warmup} page views");
                await RunAsync(options.Warmup, i => ViewAsync(client, codes[i % codes.Length], ct), ct);
            }

            Say($"Page views: {options.Views} over {codes.Length} codes, {options.Concurrency} concurrent");
            var views = await MeasureAsync("GET /s/{code}", meter, options.Views, i => ViewAsync(client, codes[i % codes.Length], ct), ct);
            Say($"Submissions: {codes.Length}, {options.Concurrency} concurrent");
            var submissions = await MeasureAsync("GET + POST /s/{code}", meter, codes.Length, i => SubmitAsync(client, codes[i], ct), ct);
            var stored = await CompletedResponsesAsync(cluster.ConnectionString, ct);
            report = new FormReport(options, commandLine, startedAt, machine, postgres, background, pageBytes, views, submissions, stored);
            Say("Stopping the service");
        }

        var markdown = report.ToMarkdown();
        var path = Path.Combine(paths.OutputDirectory, $"form-{_runId}.md");
        await File.WriteAllTextAsync(path, markdown, ct);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Say($"Summary written to {path}");
        Say("Stopping PostgreSQL and deleting its data folder");
        return report;
    }

    /// <summary>Seeds the invitations as ingest would leave them (the form asks them the `full` questionnaire) and returns their codes.</summary>
    private async Task<string[]> SeedAsync(string connectionString, CancellationToken ct)
    {
        Say($"Seeding {options.Invitations} invitations");
        await new InvitationSeeder(connectionString, PersonalDataProtector.FromBase64(_personalDataKey), _runId).SeedAsync(options.Invitations, options.Units, ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var codes = new List<string>(options.Invitations);
        await using var list = new NpgsqlCommand("SELECT code FROM invitations ORDER BY id", connection);
        await using var reader = await list.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            codes.Add(reader.GetString(0));
        }
        return [.. codes];
    }

    private static async Task<long> PageBytesAsync(HttpClient client, string code, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/s/{code}", ct);
        return (await response.Content.ReadAsByteArrayAsync(ct)).LongLength;
    }

    private static async Task<string?> ViewAsync(HttpClient client, string code, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/s/{code}", HttpCompletionOption.ResponseContentRead, ct);
        return response.StatusCode == HttpStatusCode.OK ? null : $"view: HTTP {(int)response.StatusCode}";
    }

    /// <summary>What a browser does: opens the form (token in the page, cookie in the header), posts every answer, is sent on with a 303.</summary>
    private static async Task<string?> SubmitAsync(HttpClient client, string code, CancellationToken ct)
    {
        string token, cookie;
        using (var page = await client.GetAsync($"/s/{code}", HttpCompletionOption.ResponseContentRead, ct))
        {
            var html = await page.Content.ReadAsStringAsync(ct);
            if (page.StatusCode != HttpStatusCode.OK || TokenInput().Match(html) is not { Success: true } match
                || !page.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                return $"open: HTTP {(int)page.StatusCode}";
            }
            token = match.Groups[1].Value;
            cookie = cookies.First().Split(';')[0];
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/s/{code}") { Content = new FormUrlEncodedContent([new("af", token), .. Answers]) };
        request.Headers.TryAddWithoutValidation("Cookie", cookie);
        using var response = await client.SendAsync(request, ct);
        return response.StatusCode == HttpStatusCode.SeeOther ? null : $"submit: HTTP {(int)response.StatusCode}";
    }

    private static readonly KeyValuePair<string, string>[] Answers =
    [
        new("OVERALL", "4"),
        .. new[] { "ACCESS.1", "ACCESS.2", "ACCESS.3", "ACCESS.4", "ACCESS.5", "PROCEDURE.1", "PROCEDURE.2", "PROCEDURE.3",
            "OFFICIAL.1", "OFFICIAL.2", "OFFICIAL.3", "OFFICIAL.4", "RESULT.1", "RESULT.2", "RESULT.3", "RESULT.4", "RESULT.5", "RESULT.6",
            "FEEDBACK.2", "FEEDBACK.3" }.Select(code => new KeyValuePair<string, string>(code, "5")),
        new("FEEDBACK.1", "yes"),
        new("COMMENT", "Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn. Đề nghị bố trí thêm ghế ngồi chờ."),
    ];

    private static async Task<long> CompletedResponsesAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM responses WHERE completed_at IS NOT NULL AND channel = 'Web'", connection);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    private async Task<FormPhase> MeasureAsync(string name, CpuMeter meter, int count, Func<int, Task<string?>> operation, CancellationToken ct)
    {
        var before = meter.Take();
        var load = await RunAsync(count, operation, ct);
        var cpu = CpuMeter.Between(before, meter.Take());
        var latency = LatencyStats.Of(load);
        Say(string.Create(CultureInfo.InvariantCulture, $"{name}: {load.EventsPerSecond:0}/s, p99 {latency.P99:0.0} ms, {load.ErrorCount} errors"));
        return new FormPhase(name, load, latency, cpu);
    }

    /// <summary>Runs <paramref name="count"/> operations with the configured number of concurrent workers, timing each.</summary>
    private async Task<LoadResult> RunAsync(int count, Func<int, Task<string?>> operation, CancellationToken ct)
    {
        var latencies = new long[count];
        var completedAt = new long[count];
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var sent = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    error = await operation(i);
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    error = e.GetType().Name;
                }
                var now = Stopwatch.GetTimestamp();
                latencies[i] = now - sent;
                completedAt[i] = now - started;
                if (error is not null)
                {
                    errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                }
            }
        }, ct)));
        var elapsed = Stopwatch.GetTimestamp() - started;
        return new LoadResult(elapsed, latencies, completedAt, new Dictionary<string, int>(), errors, [.. errors.Keys]);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"af\" value=\"([^\"]+)\">")]
    private static partial Regex TokenInput();

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}

/// <summary>Everything one run measured, printed as a Markdown block that can be pasted into BENCHMARKS.md.</summary>
public sealed record FormReport(
    FormBenchOptions Options,
    string CommandLine,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    PostgresInfo Postgres,
    double BackgroundCores,
    long PageBytes,
    FormPhase Views,
    FormPhase Submissions,
    long StoredResponses)
{
    /// <summary>Issue 7's targets.</summary>
    public const double TargetViewsPerSecond = 1_000;
    public const double TargetSubmissionsPerSecond = 300;
    public const long MaxPageBytes = 30 * 1024;

    /// <summary>The run is trustworthy: no request failed and every submission is stored, once.</summary>
    public bool Verified => Views.Load.ErrorCount == 0 && Submissions.Load.ErrorCount == 0 && StoredResponses == Options.Invitations;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"### Web form, {StartedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(c, $"`{CommandLine}`");
        md.AppendLine();
        md.AppendLine(c, $"- Machine: {Machine.Describe()}; other load before the run: {BackgroundCores:0.00} cores");
        md.AppendLine(c, $"- {Postgres.Describe()}");
        md.AppendLine(c, $"- {Options.Invitations} invitations (the form asks the `full` questionnaire), {Options.Concurrency} concurrent clients, {Options.Warmup} warm-up views");
        md.AppendLine(c, $"- Page weight of the form: **{PageBytes} bytes** (target < {MaxPageBytes}: {(PageBytes < MaxPageBytes ? "met" : "NOT met")})");
        md.AppendLine();
        md.AppendLine("| phase | requests | per second | p50 ms | p90 ms | p99 ms | max ms | slowest second | errors | cores: service / PostgreSQL / client / other | CPU ms per request: service / PostgreSQL | target |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |");
        Row(md, Views, TargetViewsPerSecond);
        Row(md, Submissions, TargetSubmissionsPerSecond);
        md.AppendLine();
        md.AppendLine(c, $"Stored: {StoredResponses} completed web responses of {Options.Invitations} submitted — {(Verified ? "verified" : "NOT verified")}.");
        foreach (var (kind, count) in Views.Load.Errors.Concat(Submissions.Load.Errors))
        {
            md.AppendLine(c, $"- error {kind}: {count}");
        }
        return md.ToString();
    }

    private static void Row(StringBuilder md, FormPhase phase, double target)
    {
        var l = phase.Latency;
        var perSecond = phase.Load.EventsPerSecond;
        var cpu = phase.Cpu;
        double PerRequest(double cores) => cores * cpu.Seconds * 1000 / phase.Load.LatencyTicks.Length;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {phase.Name} | {phase.Load.LatencyTicks.Length} | {perSecond:0} | {l.P50:0.0} | {l.P90:0.0} | {l.P99:0.0} | {l.Max:0.0} | {l.SlowestSecond} | {phase.Load.ErrorCount} | {cpu.Service:0.00} / {cpu.Postgres:0.00} / {cpu.Client:0.00} / {cpu.Other:0.00} | {PerRequest(cpu.Service):0.00} / {PerRequest(cpu.Postgres):0.00} | ≥ {target:0}: {(perSecond >= target ? "met" : "not met")} |");
    }
}
