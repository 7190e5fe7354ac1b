using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Sipas.Bench.Ingest;
using Sipas.Data.Hosting;
using Sipas.Data.Index;
using Sipas.Data.Privacy;

namespace Sipas.Bench.Dashboard;

/// <summary>Percentiles of one timed step, in milliseconds.</summary>
public sealed record Timing(string Name, int Count, double P50, double P95, double Max)
{
    public static Timing Of(string name, IReadOnlyList<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return new Timing(name, 0, double.NaN, double.NaN, double.NaN);
        }

        var sorted = ticks.Order().ToArray();
        return new Timing(name, sorted.Length, LatencyStats.Ms(LatencyStats.Percentile(sorted, 0.50)), LatencyStats.Ms(LatencyStats.Percentile(sorted, 0.95)), LatencyStats.Ms(sorted[^1]));
    }
}

public sealed record DashboardReport(
    DashboardBenchOptions Options, string CommandLine, DateTimeOffset StartedAt, MachineInfo Machine, PostgresInfo Postgres, double BackgroundCores,
    GeneratedHistory History, TimeSpan Generate, TimeSpan RecomputeAll, TimeSpan RecomputeRecent, int CountRows,
    Timing Page, Timing Query, Timing Stock, Timing Server, long PageBytes, int UnitRows)
{
    public bool MeetsTarget => Server.Count == Options.Renders && Server.P95 <= Options.TargetMs && UnitRows == History.Units;

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"# Dashboard benchmark, {StartedAt:yyyy-MM-dd HH:mm} UTC");
        s.AppendLine();
        s.AppendLine(c, $"Command: `{CommandLine}`");
        s.AppendLine();
        s.AppendLine(c, $"- Machine: {Machine.Describe()}; background load at start {BackgroundCores:0.00} cores");
        s.AppendLine(c, $"- {Postgres.Describe()}");
        s.AppendLine(c, $"- History: {History.Units} units × {History.Days} days, {History.Dossiers:N0} dossiers with their invitations ({string.Join(", ", History.States.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:N0}"))}); {History.Contacts:N0} contacts; generated in {Generate.TotalSeconds:0.0} s");
        s.AppendLine(c, $"- Counts job: whole history {RecomputeAll.TotalMilliseconds:0} ms ({CountRows:N0} rows), recent days (the recurring run) {RecomputeRecent.TotalMilliseconds:0} ms");
        s.AppendLine();
        s.AppendLine("| step | n | p50 ms | p95 ms | max ms |");
        s.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var t in new[] { Server, Page, Query, Stock })
        {
            s.AppendLine(c, $"| {t.Name} | {t.Count} | {t.P50:0.0} | {t.P95:0.0} | {t.Max:0.0} |");
        }

        s.AppendLine();
        s.AppendLine(c, $"Page: {PageBytes:N0} bytes, {UnitRows} unit rows. Target server-side p95 ≤ {Options.TargetMs:0} ms: {(MeetsTarget ? "met" : "NOT met")}.");
        return s.ToString();
    }
}

/// <summary>
/// One run: a private durable PostgreSQL, the service (role web) on it, a generated history (see
/// <see cref="UnitHistoryGenerator"/>), the counts job run over it in-process, then the response-rate page for 90 days
/// requested one at a time by a signed-in Administrator of the whole deployment, over loopback: the time measured is
/// the server's render plus a loopback round trip. The query alone is timed too, to tell SQL from rendering.
/// </summary>
public sealed partial class DashboardBenchmark(DashboardBenchOptions options, string commandLine)
{
    private const string Administrator = "bench-admin";
    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task<DashboardReport> RunAsync(CancellationToken ct)
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

        var logPath = Path.Combine(paths.OutputDirectory, $"service-dashboard-{_runId}.log");
        Say($"Starting the service (role web); its log: {logPath}");
        var startedAt = DateTimeOffset.UtcNow;
        DashboardReport report;
        await using (var service = ServiceProcess.Start(new ServiceProcess.Settings(
            paths.ServiceDll, cluster.ConnectionString, "web", "bench", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), options.LogLevel, logPath,
            [
                "Sipas__PublicBaseUrl=https://sipas.bench",
                "Channels__Simulator__Enabled=true",
                $"Staff__FirstAdministrator__UserName={Administrator}",
                $"Staff__FirstAdministrator__Password={_password}",
                // "Request finished … in N ms" for every request: the server-side time of each render.
                "Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information",
                .. options.ServiceEnvironment,
            ])))
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            {
                BaseAddress = service.BaseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            await service.WaitUntilReadyAsync(client, ct);

            Say($"Generating 1 province + {options.Wards} wards × {options.Days} days, {options.PerDay} dossiers a day");
            var clock = Stopwatch.StartNew();
            var history = await new UnitHistoryGenerator(cluster.ConnectionString, PersonalDataProtector.FromBase64(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))))
                .GenerateAsync(options.Wards, options.Days, options.PerDay, ct);
            var generate = clock.Elapsed;

            // The service's own data source settings (auto-prepared statements), so the query alone runs as it does in the page.
            await using var dataSource = Sipas.Data.DataServiceCollectionExtensions.CreateDataSource(
                new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { CommandTimeout = 0 }.ConnectionString);
            var counts = new UnitDailyCounts(dataSource);
            var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
            Say("Running the counts job over the whole history, then over the recent days as the recurring run does");
            clock.Restart();
            await counts.RecomputeAsync((await counts.FirstDayAsync(zone, ct))!.Value, zone, DateTimeOffset.UtcNow, ct);
            var recomputeAll = clock.Elapsed;
            clock.Restart();
            await counts.RecomputeAsync(today.AddDays(-16), zone, DateTimeOffset.UtcNow, ct);
            var recomputeRecent = clock.Elapsed;
            await using (var analyze = dataSource.CreateCommand("ANALYZE unit_daily_counts"))
            {
                await analyze.ExecuteNonQueryAsync(ct);
            }

            await using var countRows = dataSource.CreateCommand("SELECT count(*)::int FROM unit_daily_counts");
            var rows = (int)(await countRows.ExecuteScalarAsync(ct))!;

            await SignInAsync(client, ct);
            var (bytes, unitRows) = await PageAsync(client, ct);
            Say($"The page: {bytes} bytes, {unitRows} unit rows; warming up with {options.Warmup} renders");
            for (var i = 0; i < options.Warmup; i++)
            {
                await PageAsync(client, ct);
            }

            Say($"Measuring {options.Renders} renders of the 90-day page, one at a time");
            var page = new List<long>(options.Renders);
            for (var i = 0; i < options.Renders; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await PageAsync(client, ct);
                page.Add(Stopwatch.GetTimestamp() - start);
            }

            Say($"Measuring {options.Renders} renders of a stock Hangfire page (the recurring jobs), for comparison");
            var stock = new List<long>(options.Renders);
            for (var i = 0; i < options.Renders; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync("/hangfire/recurring", HttpCompletionOption.ResponseContentRead, ct);
                stock.Add(Stopwatch.GetTimestamp() - start);
            }

            Say($"Measuring {options.Renders} runs of the page's query alone");
            var rates = new ResponseRates(dataSource);
            var query = new List<long>(options.Renders);
            for (var i = 0; i < options.Renders; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await rates.ReadAsync(today.AddDays(-89), today, null, ct);
                query.Add(Stopwatch.GetTimestamp() - start);
            }

            report = new DashboardReport(
                options, commandLine, startedAt, machine, postgres, background, history, generate, recomputeAll, recomputeRecent, rows,
                Timing.Of("GET /hangfire/response-rates?days=90, seen by the client (loopback)", page), Timing.Of("its query alone (in-process)", query), Timing.Of("GET /hangfire/recurring (a stock page), seen by the client", stock),
                Timing.Of("the same renders, server-side", []), bytes, unitRows);
            Say("Stopping the service");
        }

        // The service's log is complete once it has stopped; the measured renders are the last ones it served.
        var served = ServerTimes(logPath).TakeLast(options.Renders).ToList();
        report = report with { Server = Timing.Of("the same renders, server-side (the service's request log)", served) };

        var markdown = report.ToMarkdown();
        var path = Path.Combine(paths.OutputDirectory, $"dashboard-{_runId}.md");
        await File.WriteAllTextAsync(path, markdown, ct);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Say($"Summary written to {path}");
        Say("Stopping PostgreSQL and deleting its data folder");
        return report;
    }

    /// <summary>Signs in through the staff form, as a browser does: the page's token and cookie, then the post.</summary>
    private async Task SignInAsync(HttpClient client, CancellationToken ct)
    {
        var html = await client.GetStringAsync("/admin/sign-in", ct);
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        using var response = await client.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["af"] = token,
            ["userName"] = Administrator,
            ["password"] = _password,
        }), ct);
        if (response.StatusCode is not (HttpStatusCode.SeeOther or HttpStatusCode.Redirect or HttpStatusCode.Found))
        {
            throw new InvalidOperationException($"Sign-in failed: HTTP {(int)response.StatusCode}");
        }
    }

    private static async Task<(long Bytes, int UnitRows)> PageAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.GetAsync("/hangfire/response-rates?days=90", HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The page answered HTTP {(int)response.StatusCode}");
        }

        // Unit rows carry a non-empty data-unit; the total row's is empty.
        return (body.LongLength, UnitRow().Count(Encoding.UTF8.GetString(body)));
    }

    /// <summary>Stopwatch ticks of each 90-day page the service served, from its "Request finished" log lines.</summary>
    private static IEnumerable<long> ServerTimes(string logPath) =>
        File.ReadLines(logPath)
            .Select(line => RequestFinished().Match(line))
            .Where(m => m.Success)
            .Select(m => (long)(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * Stopwatch.Frequency / 1000));

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    [GeneratedRegex(@"Request finished HTTP/[0-9.]+ GET \S+/hangfire/response-rates\?days=90 - 200 .* ([0-9]+(?:\.[0-9]+)?)ms")]
    private static partial Regex RequestFinished();

    [GeneratedRegex("name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<tr (?:class=\"sipas-low\" )?data-unit=\"[^\"]+\"")]
    private static partial Regex UnitRow();
}
