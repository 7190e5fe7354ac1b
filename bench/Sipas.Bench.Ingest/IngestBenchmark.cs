using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Sipas.Data.Hosting;

namespace Sipas.Bench.Ingest;

/// <summary>One run: a private durable PostgreSQL, the service on it, warm-up, the measured phase, then pgbench on the same server.</summary>
public sealed class IngestBenchmark(BenchOptions options, string commandLine)
{
    private const string Source = "bench";

    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var paths = BenchPaths.Resolve(options);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"sipas-bench-{_runId}");
        var machine = MachineInfo.Read(Path.GetTempPath());
        Say($"Machine: {machine.Describe()}");
        Say($"Service: {paths.ServiceDll}");
        var background = await QuietMachine.WaitAsync(options.QuietWaitSeconds, ct);

        Say($"Starting a durable PostgreSQL in {dataDirectory}");
        var cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions { DataDirectory = dataDirectory, Ephemeral = !options.Keep, Durable = true, Database = "sipas" }, ct: ct);
        try
        {
            var postgres = await PostgresInfo.ReadAsync(cluster.ConnectionString, ct);
            Say(postgres.Describe());
            var startedAt = DateTimeOffset.UtcNow;
            var (load, cpu) = await PostEventsAsync(paths, cluster, Path.Combine(dataDirectory, "pgdata", "postmaster.pid"), ct);
            var rows = await CountStoredAsync(cluster.ConnectionString, ct);
            var pgbench = await RunPgBenchAsync(cluster, dataDirectory, ct);
            var report = new BenchReport(options, commandLine, startedAt, machine, postgres, background, load, LatencyStats.Of(load), cpu, rows, pgbench);
            await WriteAsync(report, paths.OutputDirectory, ct);
            return report;
        }
        finally
        {
            await StopOrKeepAsync(cluster, dataDirectory);
        }
    }

    private async Task<(LoadResult Load, CpuUsage Cpu)> PostEventsAsync(BenchPaths paths, PostgresCluster cluster, string postmasterPidFile, CancellationToken ct)
    {
        Directory.CreateDirectory(paths.OutputDirectory);
        var logPath = Path.Combine(paths.OutputDirectory, $"service-{_runId}.log");
        Say($"Starting the service (role {options.Role}); its log: {logPath}");
        await using var service = ServiceProcess.Start(new ServiceProcess.Settings(
            paths.ServiceDll, ServiceConnectionString(cluster), options.Role, Source, _secret, options.LogLevel, logPath, options.ServiceEnvironment));
        using var client = LoadRunner.CreateClient(options.Concurrency);
        await service.WaitUntilReadyAsync(client, ct);

        var bodies = new EventBodies(_runId, options.Units, _secret);
        var runner = new LoadRunner(client, new Uri(service.BaseAddress, "/api/v1/one-stop/events"), Source);
        await WarmUpAsync(bodies, runner, ct);

        Say($"Signing {options.Events} events");
        var events = bodies.Create(options.Warmup, options.Events, DateTimeOffset.UtcNow);
        var meter = new CpuMeter(service.Pid, postmasterPidFile);
        Say($"Posting {options.Events} events with {options.Concurrency} concurrent requests");
        var before = meter.Take();
        var load = await runner.RunAsync(events, options.Concurrency, ct);
        var cpu = CpuMeter.Between(before, meter.Take());
        PrintErrors("Measured phase", load);
        Say($"Stopping the service");
        return (load, cpu);
    }

    /// <summary>The cluster's connection string with the experiment's Npgsql settings; an unknown setting fails here rather than in the service.</summary>
    private string ServiceConnectionString(PostgresCluster cluster) =>
        string.IsNullOrWhiteSpace(options.ConnectionOptions)
            ? cluster.ConnectionString
            : new NpgsqlConnectionStringBuilder(cluster.ConnectionString + ";" + options.ConnectionOptions).ConnectionString;

    private async Task WarmUpAsync(EventBodies bodies, LoadRunner runner, CancellationToken ct)
    {
        if (options.Warmup == 0)
        {
            return;
        }
        Say($"Warming up with {options.Warmup} events");
        var warmup = await runner.RunAsync(bodies.Create(0, options.Warmup, DateTimeOffset.UtcNow), options.Concurrency, ct);
        Say(string.Create(CultureInfo.InvariantCulture, $"Warm-up: {warmup.EventsPerSecond:0} events/s, {warmup.ErrorCount} errors"));
        PrintErrors("Warm-up", warmup);
    }

    private async Task<PgBenchResult?> RunPgBenchAsync(PostgresCluster cluster, string dataDirectory, CancellationToken ct)
    {
        if (options.PgBenchSeconds == 0)
        {
            return null;
        }
        Say($"Running pgbench for {options.PgBenchSeconds} s with {options.Concurrency} clients");
        var meter = new CpuMeter(servicePid: 0, Path.Combine(dataDirectory, "pgdata", "postmaster.pid"));
        var result = await PgBench.RunAsync(
            new PgBench.Target(cluster.ConnectionString, cluster.Port, cluster.BinDirectory), options.Concurrency, options.PgBenchSeconds, dataDirectory, meter, ct);
        Say(string.Create(CultureInfo.InvariantCulture, $"pgbench: {result.Tps:0} tps"));
        return result;
    }

    /// <summary>Dossiers of this run actually in the database, so a 202 that stored nothing would show.</summary>
    private async Task<long> CountStoredAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM dossiers WHERE code LIKE $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = $"BENCH.{_runId}-%" });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task WriteAsync(BenchReport report, string outputDirectory, CancellationToken ct)
    {
        var markdown = report.ToMarkdown();
        var path = Path.Combine(outputDirectory, $"ingest-{_runId}.md");
        await File.WriteAllTextAsync(path, markdown, ct);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Say($"Summary written to {path}");
    }

    private async Task StopOrKeepAsync(PostgresCluster cluster, string dataDirectory)
    {
        if (options.Keep)
        {
            Say($"Leaving PostgreSQL running on 127.0.0.1:{cluster.Port} (database sipas, user sipas, password in {dataDirectory}/pg-password).");
            // As root the cluster runs as the postgres user, which pg_ctl must then run as too.
            var asPostgres = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
            Say($"Stop it with: {asPostgres}{cluster.BinDirectory}/pg_ctl -D {dataDirectory}/pgdata stop   (then rm -rf {dataDirectory})");
            return;
        }
        Say("Stopping PostgreSQL and deleting its data folder");
        await cluster.DisposeAsync();
    }

    private static void PrintErrors(string phase, LoadResult result)
    {
        foreach (var sample in result.ErrorSamples)
        {
            Console.Error.WriteLine($"{phase} error: {sample}");
        }
        if (result.Errors.ContainsKey("HTTP 401"))
        {
            // Events are signed before the phase starts, and the service refuses a timestamp older than 300 s.
            Console.Error.WriteLine($"{phase}: 401s mean the phase outlived its signatures (300 s); post fewer events per run.");
        }
    }

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}

/// <summary>Where the repository, the built service and the results are.</summary>
public sealed record BenchPaths(string RepoRoot, string ServiceDll, string OutputDirectory)
{
    public static BenchPaths Resolve(BenchOptions options) => Resolve(options.RepoRoot, options.ServiceDll, options.OutputDirectory);

    /// <summary>Null arguments take their defaults: the repository above this program, its Release build of Sipas.Bot, bench/results.</summary>
    public static BenchPaths Resolve(string? repoRoot, string? serviceDll, string? outputDirectory)
    {
        var root = Path.GetFullPath(repoRoot ?? FindRepoRoot());
        var dll = Path.GetFullPath(serviceDll ?? Path.Combine(root, "src", "Sipas.Bot", "bin", "Release", "net10.0", "Sipas.Bot.dll"));
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist: build the service first with `dotnet build -c Release src/Sipas.Bot` (the bench/run-* scripts do that).");
        }
        WarnIfStale(root, dll);
        return new BenchPaths(root, dll, Path.GetFullPath(outputDirectory ?? Path.Combine(root, "bench", "results")));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sipas.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Could not find the repository (Sipas.sln) above this program's folder; pass --repo.");
    }

    /// <summary>A benchmark of an old build measures the wrong code, silently.</summary>
    private static void WarnIfStale(string root, string dll)
    {
        var src = Path.Combine(root, "src");
        if (!Directory.Exists(src))
        {
            return;
        }
        var newest = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
        if (newest > File.GetLastWriteTimeUtc(dll))
        {
            Console.Error.WriteLine($"Warning: {dll} is older than the newest source file under src/; rebuild it (dotnet build -c Release src/Sipas.Bot).");
        }
    }
}
