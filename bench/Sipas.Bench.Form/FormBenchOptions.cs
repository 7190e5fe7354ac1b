using Sipas.Bench.Ingest;

namespace Sipas.Bench.Form;

/// <summary>Command-line settings of one web-form benchmark run.</summary>
public sealed record FormBenchOptions
{
    public int Invitations { get; init; } = 5_000;
    public int Views { get; init; } = 20_000;
    public int Concurrency { get; init; } = 32;
    public int Warmup { get; init; } = 1_000;
    public int Units { get; init; } = 20;
    public int QuietWaitSeconds { get; init; } = 120;
    public string LogLevel { get; init; } = "Warning";
    public IReadOnlyList<string> ServiceEnvironment { get; init; } = [];
    public string? RepoRoot { get; init; }
    public string? ServiceDll { get; init; }
    public string? OutputDirectory { get; init; }

    public const string Usage = """
        Sipas web-form benchmark: a running Sipas.Bot (role web) on a private durable PostgreSQL with N seeded
        invitations (their form asks the `full` questionnaire); measures GET /s/{code} (page views) and full submissions
        (GET for the anti-forgery token and cookie, then the POST of every answer, answered 303).

          --invitations N     invitations seeded; each is submitted once (default 5000)
          --views V           page views measured, spread over the invitations (default 20000)
          --concurrency C     concurrent clients (default 32)
          --warmup W          page views before measuring, on other invitations' codes (default 1000)
          --units U           units the dossiers are spread over (default 20)
          --quiet-wait S      wait up to S seconds for other load on the machine to stop before starting (default 120)
          --log-level LEVEL   the service's Logging:LogLevel:Default (default Warning)
          --service-env K=V   extra environment variable for the service only, repeatable
          --repo DIR          repository root (default: found from this program's folder)
          --service PATH      Sipas.Bot.dll to run (default: src/Sipas.Bot/bin/Release/net10.0/Sipas.Bot.dll)
          --out DIR           where the Markdown summary and the service log go (default: bench/results)

        The service must be built first: dotnet build -c Release src/Sipas.Bot (bench/run-form does it).
        """;

    /// <summary>Null with <paramref name="error"/> set when the arguments are wrong; null and no error for --help.</summary>
    public static FormBenchOptions? Parse(IReadOnlyList<string> args, out string? error) =>
        BenchCommandLine.Parse(args, new FormBenchOptions(), With, Validate, out error);

    private static void Validate(FormBenchOptions o)
    {
        if (o.Invitations is < 1 or > 1_000_000 || o.Views < 1 || o.Concurrency < 1 || o.Warmup < 0 || o.Units < 1)
        {
            throw new FormatException("--invitations must be 1 to 1000000; --views, --concurrency and --units at least 1; --warmup 0 or more.");
        }
    }

    private static FormBenchOptions With(FormBenchOptions o, string name, string value) => name switch
    {
        "--invitations" => o with { Invitations = BenchCommandLine.WholeNumber(name, value) },
        "--views" => o with { Views = BenchCommandLine.WholeNumber(name, value) },
        "--concurrency" => o with { Concurrency = BenchCommandLine.WholeNumber(name, value) },
        "--warmup" => o with { Warmup = BenchCommandLine.WholeNumber(name, value) },
        "--units" => o with { Units = BenchCommandLine.WholeNumber(name, value) },
        "--quiet-wait" => o with { QuietWaitSeconds = BenchCommandLine.WholeNumber(name, value) },
        "--log-level" => o with { LogLevel = value },
        "--service-env" => o with { ServiceEnvironment = [.. o.ServiceEnvironment, BenchCommandLine.EnvironmentSetting(value)] },
        "--repo" => o with { RepoRoot = value },
        "--service" => o with { ServiceDll = value },
        "--out" => o with { OutputDirectory = value },
        _ => throw new FormatException($"Unknown option {name}."),
    };
}
