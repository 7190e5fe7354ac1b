using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Sipas.Bench.Ingest;
using Sipas.Data.Hosting;
using Sipas.Data.Privacy;

namespace Sipas.Bench.Dispatch;

/// <summary>
/// One run: the fake Twilio's raw capacity, then a private durable PostgreSQL, the service (role worker) on it, N
/// invitations seeded for the far future and made due at once (T0), and the wait until none is Scheduled.
/// </summary>
public sealed class DispatchBenchmark(DispatchBenchOptions options, string commandLine)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private readonly string _personalDataKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task<DispatchReport> RunAsync(CancellationToken ct)
    {
        var paths = BenchPaths.Resolve(options.RepoRoot, options.ServiceDll, options.OutputDirectory);
        Directory.CreateDirectory(paths.OutputDirectory);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"sipas-bench-{_runId}");
        var machine = MachineInfo.Read(Path.GetTempPath());
        Say($"Machine: {machine.Describe()}");
        Say($"Service: {paths.ServiceDll}");
        var background = await QuietMachine.WaitAsync(options.QuietWaitSeconds, ct);

        await using var fake = await FakeTwilio.StartAsync(ct);
        var capacity = await MeasureFakeAsync(fake, ct);

        Say($"Starting a durable PostgreSQL in {dataDirectory}");
        await using var cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions { DataDirectory = dataDirectory, Ephemeral = true, Durable = true, Database = "sipas" }, ct: ct);
        var postgres = await PostgresInfo.ReadAsync(cluster.ConnectionString, ct);
        Say(postgres.Describe());

        var logPath = Path.Combine(paths.OutputDirectory, $"service-dispatch-{_runId}.log");
        Say($"Starting the service (role {options.Role}, provider {options.Provider}); its log: {logPath}");
        var startedAt = DateTimeOffset.UtcNow;
        DispatchRun run;
        await using (var service = ServiceProcess.Start(new ServiceProcess.Settings(
            paths.ServiceDll, cluster.ConnectionString, options.Role, "bench", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), options.LogLevel, logPath,
            [.. ServiceSettings(fake), .. options.ServiceEnvironment])))
        {
            using (var client = new HttpClient())
            {
                await service.WaitUntilReadyAsync(client, ct);
            }
            run = await DispatchAsync(fake, cluster, service.Pid, Path.Combine(dataDirectory, "pgdata", "postmaster.pid"), ct);
            Say("Stopping the service");
        }

        var report = new DispatchReport(options, commandLine, startedAt, machine, postgres, background, capacity, run);
        await WriteAsync(report, paths.OutputDirectory, ct);
        Say("Stopping PostgreSQL and deleting its data folder");
        return report;
    }

    private async Task<IReadOnlyList<FakeCapacity>> MeasureFakeAsync(FakeTwilio fake, CancellationToken ct)
    {
        var results = new List<FakeCapacity>();
        if (options.FakeLoadSeconds <= 0)
        {
            return results;
        }
        foreach (var concurrency in options.FakeLoadConcurrency)
        {
            Say($"Fake Twilio raw capacity: {concurrency} concurrent posts for {options.FakeLoadSeconds} s");
            var result = await FakeCapacityProbe.RunAsync(fake, concurrency, TimeSpan.FromSeconds(options.FakeLoadSeconds), ct);
            Say(string.Create(CultureInfo.InvariantCulture, $"Fake Twilio: {result.RequestsPerSecond:0} requests/s, p99 {result.P99Ms:0.0} ms, {result.Errors} errors"));
            results.Add(result);
        }
        return results;
    }

    /// <summary>The service's settings for this run, before the --service-env ones (which win).</summary>
    private List<string> ServiceSettings(FakeTwilio fake)
    {
        List<string> settings =
        [
            $"Sipas__PersonalDataKey={_personalDataKey}",
            "Sipas__PublicBaseUrl=https://sipas.bench",
            "Survey__DelayAfterReturn=00:00:00",
            "Survey__AllowedWindow__Start=00:00",
            "Survey__AllowedWindow__End=24:00",
            "Survey__FatigueWindowDays=0",
            "Scheduler__DispatchCron=* * * * * *",
            $"Channels__Simulator__Enabled={(options.Provider == "simulator" ? "true" : "false")}",
            $"Channels__Routing__Default__0={options.Provider}",
        ];
        if (options.Provider == "twilio")
        {
            settings.AddRange(
            [
                $"Channels__Twilio__AccountSid={FakeTwilio.AccountSid}",
                $"Channels__Twilio__AuthToken={FakeTwilio.AuthToken}",
                $"Channels__Twilio__From={FakeTwilio.From}",
                $"Channels__Twilio__BaseUrl={fake.BaseUrl}",
            ]);
        }
        if (options.RateLimit is { } rate)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"Channels__RateLimits__{options.Provider}={rate}"));
        }
        return settings;
    }

    private async Task<DispatchRun> DispatchAsync(FakeTwilio fake, PostgresCluster cluster, int servicePid, string postmasterPidFile, CancellationToken ct)
    {
        var seeder = new InvitationSeeder(cluster.ConnectionString, PersonalDataProtector.FromBase64(_personalDataKey), _runId);
        Say($"Seeding {options.Invitations} invitations due {InvitationSeeder.FarFuture:yyyy-MM-dd}");
        await seeder.SeedAsync(options.Invitations, options.Units, ct);
        // The dispatcher has been polling every second since the service started; give it a moment to be idle.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        var limit = options.EffectiveFakeLimit is { } perSecond ? FakeTwilio.Limit.For(perSecond) : null;
        fake.Reset(limit);
        var meter = new CpuMeter(servicePid, postmasterPidFile);
        var progress = new ProgressQuery(cluster.ConnectionString);
        Say($"Making them due now (T0){(limit is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; the fake takes {limit.PerSecond:0.##}/s, burst {limit.Burst:0}"))}");
        var before = meter.Take();
        var updateStarted = Stopwatch.GetTimestamp();
        var made = await seeder.MakeDueAsync(ct);
        var t0 = DateTime.UtcNow;
        var t0Timestamp = Stopwatch.GetTimestamp();
        var updateTook = Stopwatch.GetElapsedTime(updateStarted);
        if (made != options.Invitations)
        {
            throw new InvalidOperationException($"The UPDATE made {made} invitations due, not {options.Invitations}: did the service send some early?");
        }

        var (left, finished) = await WaitAsync(progress, t0, ct);
        var cpu = CpuMeter.Between(before, meter.Take());
        var database = await progress.ResultsAsync(t0, ct);
        return new DispatchRun(t0, t0Timestamp, updateTook, finished, left, cpu, database, fake.Calls(), fake.MaxInFlight, limit, seeder.Phones);
    }

    /// <summary>Polls until no invitation is Scheduled, the run times out, or nothing moved for a while (429s retried later, say).</summary>
    private async Task<(long Left, bool Finished)> WaitAsync(ProgressQuery progress, DateTime t0, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(options.EffectiveTimeoutSeconds);
        var clock = Stopwatch.StartNew();
        var lastChange = clock.Elapsed;
        var lastSaid = TimeSpan.Zero;
        long left = options.Invitations;
        while (clock.Elapsed < timeout)
        {
            await Task.Delay(Poll, ct);
            var now = await progress.ScheduledAsync(ct);
            if (now == 0)
            {
                Say(string.Create(CultureInfo.InvariantCulture, $"All {options.Invitations} invitations left Scheduled within {(DateTime.UtcNow - t0).TotalSeconds:0.0} s of T0"));
                return (0, true);
            }
            if (now != left)
            {
                left = now;
                lastChange = clock.Elapsed;
            }
            else if (clock.Elapsed - lastChange > StallLimit)
            {
                Say($"Nothing moved for {StallLimit.TotalSeconds:0} s with {left} invitations still Scheduled; stopping");
                return (left, false);
            }
            if (clock.Elapsed - lastSaid >= TimeSpan.FromSeconds(5))
            {
                lastSaid = clock.Elapsed;
                Say($"{options.Invitations - left} of {options.Invitations} sent");
            }
        }
        Say($"Timed out after {timeout.TotalSeconds:0} s with {left} invitations still Scheduled");
        return (left, false);
    }

    private async Task WriteAsync(DispatchReport report, string outputDirectory, CancellationToken ct)
    {
        var markdown = report.ToMarkdown();
        var path = Path.Combine(outputDirectory, $"dispatch-{_runId}.md");
        await File.WriteAllTextAsync(path, markdown, ct);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Say($"Summary written to {path}");
    }

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
