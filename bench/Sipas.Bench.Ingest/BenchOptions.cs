namespace Sipas.Bench.Ingest;

/// <summary>Command-line settings of one benchmark run.</summary>
public sealed record BenchOptions
{
    public int Events { get; init; } = 20_000;
    public int Concurrency { get; init; } = 32;
    public int Warmup { get; init; } = 1_000;
    public string Role { get; init; } = "web";
    public int PgBenchSeconds { get; init; } = 15;
    public bool Keep { get; init; }
    public string LogLevel { get; init; } = "Warning";
    public int Units { get; init; } = 20;
    public int QuietWaitSeconds { get; init; } = 120;
    public string? ConnectionOptions { get; init; }
    public IReadOnlyList<string> ServiceEnvironment { get; init; } = [];
    public string? RepoRoot { get; init; }
    public string? ServiceDll { get; init; }
    public string? OutputDirectory { get; init; }

    public const string Usage = """
        Sipas ingest benchmark: signed one-stop events posted over HTTP to a running Sipas.Bot on a private durable PostgreSQL.

          --events N            measured events (default 20000)
          --concurrency C       concurrent requests, and pgbench clients (default 32)
          --warmup W            events posted before measuring (default 1000)
          --role web|all        Sipas:Role of the service; all also runs the Hangfire job server (default web)
          --pgbench-seconds S   length of the pgbench run; 0 skips it (default 15)
          --log-level LEVEL     the service's Logging:LogLevel:Default (default Warning)
          --units U             distinct unitCode values (default 20)
          --quiet-wait S        wait up to S seconds for other load on the machine to stop before starting (default 120)
          --connection-options "K=V;…"  Npgsql settings added to the service's connection string (experiments, e.g. "Max Auto Prepare=20")
          --service-env K=V     extra environment variable for the service only, repeatable (e.g. DOTNET_TieredPGO=0)
          --keep                leave the PostgreSQL cluster running and its data folder in place
          --repo DIR            repository root (default: found from this program's folder)
          --service PATH        Sipas.Bot.dll to run (default: src/Sipas.Bot/bin/Release/net10.0/Sipas.Bot.dll)
          --out DIR             where the Markdown summary and the service log go (default: bench/results)

        The service must be built first: dotnet build -c Release src/Sipas.Bot (bench/run-ingest does it).
        """;

    /// <summary>Null with <paramref name="error"/> set when the arguments are wrong; null and no error for --help.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error) =>
        BenchCommandLine.Parse(args, new BenchOptions(), With, Validate, out error, flag: (o, name) => name == "--keep" ? o with { Keep = true } : null);

    private static BenchOptions With(BenchOptions o, string name, string value) => name switch
    {
        "--events" => o with { Events = Int(name, value) },
        "--concurrency" => o with { Concurrency = Int(name, value) },
        "--warmup" => o with { Warmup = Int(name, value) },
        "--role" => o with { Role = value.ToLowerInvariant() },
        "--pgbench-seconds" => o with { PgBenchSeconds = Int(name, value) },
        "--log-level" => o with { LogLevel = value },
        "--units" => o with { Units = Int(name, value) },
        "--quiet-wait" => o with { QuietWaitSeconds = Int(name, value) },
        "--connection-options" => o with { ConnectionOptions = value },
        "--service-env" => o with { ServiceEnvironment = [.. o.ServiceEnvironment, EnvironmentSetting(value)] },
        "--repo" => o with { RepoRoot = value },
        "--service" => o with { ServiceDll = value },
        "--out" => o with { OutputDirectory = value },
        _ => throw new FormatException($"Unknown option {name}."),
    };

    private static int Int(string name, string value) => BenchCommandLine.WholeNumber(name, value);

    private static string EnvironmentSetting(string value) => BenchCommandLine.EnvironmentSetting(value);

    private static void Validate(BenchOptions o)
    {
        if (o.Events < 1 || o.Concurrency < 1 || o.Units < 1)
        {
            throw new FormatException("--events, --concurrency and --units must be at least 1.");
        }
        if (o.Role is not ("web" or "all"))
        {
            throw new FormatException("--role must be web or all.");
        }
    }
}
