using Sipas.Bench.Ingest;

namespace Sipas.Bench.Dispatch;

/// <summary>Command-line settings of one dispatch benchmark run.</summary>
public sealed record DispatchBenchOptions
{
    public int Invitations { get; init; } = 10_000;
    public string Provider { get; init; } = "twilio";
    public double? RateLimit { get; init; }
    public double? FakeLimit { get; init; }
    public IReadOnlyList<int> FakeLoadConcurrency { get; init; } = [8, 32];
    public int FakeLoadSeconds { get; init; } = 3;
    public string Role { get; init; } = "worker";
    public int Units { get; init; } = 20;
    public int QuietWaitSeconds { get; init; } = 120;
    public int? TimeoutSeconds { get; init; }
    public string LogLevel { get; init; } = "Warning";
    public IReadOnlyList<string> ServiceEnvironment { get; init; } = [];
    public string? RepoRoot { get; init; }
    public string? ServiceDll { get; init; }
    public string? OutputDirectory { get; init; }

    /// <summary>The fake's token bucket: --fake-limit, else --rate-limit when sending through Twilio, else none.</summary>
    public double? EffectiveFakeLimit => FakeLimit ?? (Provider == "twilio" ? RateLimit : null);

    /// <summary>Long enough for the slowest plausible run: two thirds of the limit, or 20 messages/s if slower, plus a minute.</summary>
    public int EffectiveTimeoutSeconds => TimeoutSeconds ?? 60 + (int)Math.Ceiling(Invitations / Math.Min((RateLimit ?? double.MaxValue) / 1.5, 20));

    public const string Usage = """
        Sipas dispatch benchmark: N due invitations claimed, rendered, sent through a provider and recorded by a running
        Sipas.Bot (role worker) on a private durable PostgreSQL; Twilio is a fake on loopback in this process.

          --invitations N            invitations seeded and made due at once (default 10000)
          --provider twilio|simulator  the provider the service routes to (default twilio)
          --rate-limit R             Channels:RateLimits:{provider}=R messages/s on the service, and the fake's limit (default: none)
          --fake-limit R             the fake Twilio answers 429 beyond R messages/s (burst max(2, R/20)); default: --rate-limit
          --fake-load-concurrency L  comma-separated concurrencies for the fake's raw capacity (default 8,32; 0 skips it)
          --fake-load-seconds S      length of each raw-capacity run (default 3)
          --role worker|all          Sipas:Role of the service (default worker)
          --units U                  units the dossiers are spread over (default 20)
          --timeout S                give up when the invitations are not all sent after S seconds (default: from N and R)
          --quiet-wait S             wait up to S seconds for other load on the machine to stop before starting (default 120)
          --log-level LEVEL          the service's Logging:LogLevel:Default (default Warning)
          --service-env K=V          extra environment variable for the service only, repeatable (e.g. Scheduler__Parallelism=16)
          --repo DIR                 repository root (default: found from this program's folder)
          --service PATH             Sipas.Bot.dll to run (default: src/Sipas.Bot/bin/Release/net10.0/Sipas.Bot.dll)
          --out DIR                  where the Markdown summary and the service log go (default: bench/results)

        The service must be built first: dotnet build -c Release src/Sipas.Bot (bench/run-dispatch does it).
        """;

    /// <summary>Null with <paramref name="error"/> set when the arguments are wrong; null and no error for --help.</summary>
    public static DispatchBenchOptions? Parse(IReadOnlyList<string> args, out string? error) =>
        BenchCommandLine.Parse(args, new DispatchBenchOptions(), With, Validate, out error);

    private static DispatchBenchOptions With(DispatchBenchOptions o, string name, string value) => name switch
    {
        "--invitations" => o with { Invitations = BenchCommandLine.WholeNumber(name, value) },
        "--provider" => o with { Provider = value.ToLowerInvariant() },
        "--rate-limit" => o with { RateLimit = BenchCommandLine.Number(name, value) },
        "--fake-limit" => o with { FakeLimit = BenchCommandLine.Number(name, value) },
        "--fake-load-concurrency" => o with { FakeLoadConcurrency = [.. value.Split(',').Select(c => BenchCommandLine.WholeNumber(name, c.Trim())).Where(c => c > 0)] },
        "--fake-load-seconds" => o with { FakeLoadSeconds = BenchCommandLine.WholeNumber(name, value) },
        "--role" => o with { Role = value.ToLowerInvariant() },
        "--units" => o with { Units = BenchCommandLine.WholeNumber(name, value) },
        "--timeout" => o with { TimeoutSeconds = BenchCommandLine.WholeNumber(name, value) },
        "--quiet-wait" => o with { QuietWaitSeconds = BenchCommandLine.WholeNumber(name, value) },
        "--log-level" => o with { LogLevel = value },
        "--service-env" => o with { ServiceEnvironment = [.. o.ServiceEnvironment, BenchCommandLine.EnvironmentSetting(value)] },
        "--repo" => o with { RepoRoot = value },
        "--service" => o with { ServiceDll = value },
        "--out" => o with { OutputDirectory = value },
        _ => throw new FormatException($"Unknown option {name}."),
    };

    private static void Validate(DispatchBenchOptions o)
    {
        if (o.Invitations is < 1 or > 1_000_000 || o.Units < 1)
        {
            throw new FormatException("--invitations must be 1 to 1000000, and --units at least 1.");
        }
        if (o.Provider is not ("twilio" or "simulator"))
        {
            throw new FormatException("--provider must be twilio or simulator.");
        }
        if (o.Role is not ("worker" or "all"))
        {
            throw new FormatException("--role must be worker or all.");
        }
        if (o.RateLimit <= 0 || o.FakeLimit <= 0)
        {
            throw new FormatException("--rate-limit and --fake-limit must be positive (leave them out for no limit).");
        }
    }
}
