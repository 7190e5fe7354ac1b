using Sipas.Bench.Ingest;

namespace Sipas.Bench.Dashboard;

/// <summary>Command-line settings of one dashboard benchmark run.</summary>
public sealed record DashboardBenchOptions
{
    public int Wards { get; init; } = 129;
    public int Days { get; init; } = 90;
    public int PerDay { get; init; } = 3_000;
    public int Renders { get; init; } = 200;
    public int Warmup { get; init; } = 20;
    public double TargetMs { get; init; } = 200;
    public int QuietWaitSeconds { get; init; } = 120;
    public string LogLevel { get; init; } = "Warning";
    public IReadOnlyList<string> ServiceEnvironment { get; init; } = [];
    public string? RepoRoot { get; init; }
    public string? ServiceDll { get; init; }
    public string? OutputDirectory { get; init; }

    public const string Usage = """
        Sipas dashboard benchmark: a running Sipas.Bot (role web) on a private durable PostgreSQL with a generated
        history (1 province + W wards, D days of dossiers and invitations in their states), the counts job run over it,
        then the response-rate page for 90 days rendered R times for an Administrator of the whole deployment (every unit).

          --wards W           wards under the province (default 129: 130 units in all)
          --days D            days of history (default 90)
          --per-day N         dossiers returned per day over all units (default 3000)
          --renders R         page renders measured, one at a time (default 200)
          --warmup K          renders before measuring (default 20)
          --target MS         the p95 the run must meet, in ms (default 200)
          --quiet-wait S      wait up to S seconds for other load on the machine to stop before starting (default 120)
          --log-level LEVEL   the service's Logging:LogLevel:Default (default Warning)
          --service-env K=V   extra environment variable for the service only, repeatable
          --repo DIR          repository root (default: found from this program's folder)
          --service PATH      Sipas.Bot.dll to run (default: src/Sipas.Bot/bin/Release/net10.0/Sipas.Bot.dll)
          --out DIR           where the Markdown summary and the service log go (default: bench/results)

        The service must be built first: dotnet build -c Release src/Sipas.Bot (bench/run-dashboard does it).
        """;

    /// <summary>Null with <paramref name="error"/> set when the arguments are wrong; null and no error for --help.</summary>
    public static DashboardBenchOptions? Parse(IReadOnlyList<string> args, out string? error) =>
        BenchCommandLine.Parse(args, new DashboardBenchOptions(), With, Validate, out error);

    private static void Validate(DashboardBenchOptions o)
    {
        if (o.Wards < 1 || o.Days < 1 || o.PerDay < 1 || o.Renders < 1 || o.Warmup < 0 || o.TargetMs <= 0)
        {
            throw new FormatException("--wards, --days, --per-day and --renders must be at least 1; --warmup 0 or more; --target positive.");
        }
    }

    private static DashboardBenchOptions With(DashboardBenchOptions o, string name, string value) => name switch
    {
        "--wards" => o with { Wards = BenchCommandLine.WholeNumber(name, value) },
        "--days" => o with { Days = BenchCommandLine.WholeNumber(name, value) },
        "--per-day" => o with { PerDay = BenchCommandLine.WholeNumber(name, value) },
        "--renders" => o with { Renders = BenchCommandLine.WholeNumber(name, value) },
        "--warmup" => o with { Warmup = BenchCommandLine.WholeNumber(name, value) },
        "--target" => o with { TargetMs = BenchCommandLine.Number(name, value) },
        "--quiet-wait" => o with { QuietWaitSeconds = BenchCommandLine.WholeNumber(name, value) },
        "--log-level" => o with { LogLevel = value },
        "--service-env" => o with { ServiceEnvironment = [.. o.ServiceEnvironment, BenchCommandLine.EnvironmentSetting(value)] },
        "--repo" => o with { RepoRoot = value },
        "--service" => o with { ServiceDll = value },
        "--out" => o with { OutputDirectory = value },
        _ => throw new FormatException($"Unknown option {name}."),
    };
}
