using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sipas.Bench.Ingest;

namespace Sipas.Bench.Dispatch;

/// <summary>The measured phase: from T0 (the UPDATE making every invitation due) until none is Scheduled.</summary>
public sealed record DispatchRun(
    DateTime T0,
    long T0Timestamp,
    TimeSpan UpdateTook,
    bool Finished,
    long LeftScheduled,
    CpuUsage Cpu,
    DatabaseResults Database,
    FakeCall[] Calls,
    int FakeMaxInFlight,
    FakeTwilio.Limit? FakeLimit,
    IReadOnlySet<string> Phones);

/// <summary>Everything one run measured, printed as a Markdown block that can be pasted into BENCHMARKS.md.</summary>
public sealed record DispatchReport(
    DispatchBenchOptions Options,
    string CommandLine,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    PostgresInfo Postgres,
    double BackgroundCores,
    IReadOnlyList<FakeCapacity> FakeCapacity,
    DispatchRun Run)
{
    /// <summary>Issue 6's targets: 500 messages/s end to end with no limit; a configured limit met within 5 %, with no 429.</summary>
    public const double TargetPerSecond = 500;
    public const double RateTolerance = 0.05;

    private int N => Options.Invitations;
    private DatabaseResults Db => Run.Database;
    private bool Twilio => Options.Provider == "twilio";
    private FakeCall[] Created => [.. Run.Calls.Where(c => c.Status == 201)];
    private int TooMany => Run.Calls.Count(c => c.Status == 429);
    private int OtherAnswers => Run.Calls.Count(c => c.Status is not (201 or 429));
    private int DistinctTo => Created.Select(c => c.To).Distinct(StringComparer.Ordinal).Count();
    private bool EverySeededPhone => Created.Select(c => c.To!).ToHashSet(StringComparer.Ordinal).SetEquals(Run.Phones);

    /// <summary>N ÷ (last invitation recorded sent − T0): what an operator sees, including the wait for the job's next tick.</summary>
    public double? PerSecondFromT0 => Db.LastSent is { } last ? N / (last - Run.T0).TotalSeconds : null;

    /// <summary>N ÷ (last recorded sent − first reserved for sending): the dispatcher's own pace, without the wait for the tick.</summary>
    public double? PerSecondFromFirstSend => Db.LastSent is { } last && Db.FirstSendStarted is { } first ? N / (last - first).TotalSeconds : null;

    /// <summary>
    /// The pace the provider saw: (messages − 1) ÷ (last − first), at the fake's door for Twilio (arrivals it
    /// accepted), from the stored messages' sent times for the simulator.
    /// </summary>
    public double? PacedRate
    {
        get
        {
            if (Twilio)
            {
                var created = Created;
                return created.Length < 2 ? null : (created.Length - 1) / ((double)(created[^1].ArrivedAt - created[0].ArrivedAt) / Stopwatch.Frequency);
            }
            return Db.FirstMessageSent is { } first && Db.LastMessageSent is { } last && Db.MessagesStored > 1 ? (Db.MessagesStored - 1) / (last - first).TotalSeconds : null;
        }
    }

    public bool? WithinRateLimit => Options.RateLimit is { } limit && PacedRate is { } paced ? Math.Abs(paced - limit) <= RateTolerance * limit && TooMany == 0 : null;

    /// <summary>Every invitation left Scheduled, each went out once through the chosen provider, and nothing was refused.</summary>
    public bool Verified =>
        Run.Finished
        && Db.InvitationStates.GetValueOrDefault(Twilio ? "Sent" : "Delivered") == N
        && Db.MessagesStored == N && Db.InvitationsWithMessage == N
        && Db.MessageStates.GetValueOrDefault(Twilio ? "Accepted (twilio)" : "Delivered (simulator)") == N
        && (Twilio ? Created.Length == N && DistinctTo == N && EverySeededPhone && TooMany == 0 && OtherAnswers == 0 : Run.Calls.Length == 0)
        && WithinRateLimit is not false;

    public static string TableHeader =>
        "| provider | limit /s | invitations | msgs/s from T0 | msgs/s from first send | first send after T0 | paced rate /s | 429s | verified |\n" +
        "|---|--:|--:|--:|--:|--:|--:|--:|---|";

    public string TableRow => Invariant(
        $"| {Options.Provider} | {(Options.RateLimit is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) : "—")} | {N} | {Num(PerSecondFromT0)} | {Num(PerSecondFromFirstSend)} | {Seconds(Db.FirstSendStarted - Run.T0)} | {Num(PacedRate)} | {TooMany} | {(Verified ? "yes" : "**no**")} |");

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### Dispatch, provider {Options.Provider}, {(Options.RateLimit is { } r ? $"limit {r:0.##}/s" : "limits off")}, {N} invitations ({StartedAt:yyyy-MM-dd HH:mm} UTC)"));
        md.AppendLine();
        md.AppendLine($"- Command: `{CommandLine}`");
        md.AppendLine($"- Machine: {Machine.Describe()}");
        md.AppendLine($"- {Postgres.Describe()}");
        md.AppendLine($"- Service: role {Options.Role}, Logging:LogLevel:Default={Options.LogLevel}{string.Concat(Options.ServiceEnvironment.Select(e => $", {e}"))}");
        md.AppendLine();
        md.AppendLine(TableHeader);
        md.AppendLine(TableRow);
        md.AppendLine();
        AppendTimeline(md);
        AppendChecks(md);
        AppendCpu(md);
        AppendRateLimit(md);
        AppendFakeCapacity(md);
        md.AppendLine(Invariant($"- Target (≥ {TargetPerSecond:0} messages/s end to end, Twilio, limits off): {TargetVerdict()}."));
        return md.ToString();
    }

    private void AppendTimeline(StringBuilder md)
    {
        md.AppendLine(Invariant(
            $"- Timeline after T0 (the UPDATE making {N} invitations due committed; it took {Run.UpdateTook.TotalMilliseconds:0} ms): first send reserved at {Seconds(Db.FirstSendStarted - Run.T0)}, first recorded sent at {Seconds(Db.FirstSent - Run.T0)}, last recorded sent at {Seconds(Db.LastSent - Run.T0)}{(Run.Finished ? "" : $"; **not finished**: {Run.LeftScheduled} still Scheduled")}."));
        md.AppendLine($"- Invitations recorded sent in each second after T0: {string.Join(' ', Db.SentPerSecond)}.");
    }

    private void AppendChecks(StringBuilder md)
    {
        md.AppendLine($"- Invitations: {Describe(Db.InvitationStates)}. Stored messages: {Describe(Db.MessageStates)} ({Db.MessagesStored} for {Db.InvitationsWithMessage} invitations).");
        if (Twilio)
        {
            var handler = Run.Calls.Select(c => c.HandlerTicks).Order().ToArray();
            md.AppendLine(Invariant(
                $"- Fake Twilio: {Run.Calls.Length} create-message calls, {Created.Length} answered 201, to {DistinctTo} distinct numbers ({(EverySeededPhone ? "exactly the seeded ones" : "**not** the seeded set")}); 429: {TooMany}; other answers: {OtherAnswers}; at most {Run.FakeMaxInFlight} in flight; handler p50 {Ms(handler, 0.50)} ms, p99 {Ms(handler, 0.99)} ms."));
        }
        else
        {
            md.AppendLine($"- Fake Twilio: {Run.Calls.Length} calls (the simulator sends nothing over HTTP).");
        }
        foreach (var error in Db.Errors)
        {
            md.AppendLine($"- Error recorded: {error}");
        }
        md.AppendLine($"- Verified (all sent once through {Options.Provider}, stored messages all {(Twilio ? "Accepted" : "Delivered")}, no refusals{(Options.RateLimit is null ? "" : ", rate within 5 %")}): {(Verified ? "yes" : "**NO**")}.");
    }

    private void AppendCpu(StringBuilder md)
    {
        var cpu = Run.Cpu;
        md.AppendLine(Invariant(
            $"- CPU from T0 until done ({cpu.Seconds:0.0} s; cores busy, of {Machine.Cores}): service {cpu.Service:0.00}, PostgreSQL {cpu.Postgres:0.00}, benchmark with the fake Twilio {cpu.Client:0.00}, other {cpu.Other:0.00}; machine {cpu.Machine:0.00}."));
        md.AppendLine(Invariant(
            $"- CPU per message: service {PerMessage(cpu.Service):0.00} ms, PostgreSQL {PerMessage(cpu.Postgres):0.00} ms, benchmark and fake {PerMessage(cpu.Client):0.00} ms."));
        if (cpu.Other > QuietMachine.IdleCores || BackgroundCores > QuietMachine.IdleCores)
        {
            md.AppendLine(Invariant($"- **Warning:** other load shared the machine ({BackgroundCores:0.00} cores busy just before the run, {cpu.Other:0.00} unaccounted during it); rerun on an idle machine."));
        }
    }

    private void AppendRateLimit(StringBuilder md)
    {
        if (Run.FakeLimit is { } fakeLimit)
        {
            md.AppendLine(Invariant($"- Fake Twilio's limit: token bucket {fakeLimit.PerSecond:0.##}/s, burst {fakeLimit.Burst:0}; most accepted in any 1 s: {BusiestSecond()}."));
        }
        if (Options.RateLimit is { } limit)
        {
            var paced = PacedRate ?? 0;
            md.AppendLine(Invariant(
                $"- Rate limit Channels:RateLimits:{Options.Provider} = {limit:0.##}/s: paced at {paced:0.0}/s {(Twilio ? "at the fake" : "by the stored messages' sent times")} ({(paced - limit) / limit:+0.0%;-0.0%}), {TooMany} × 429 → within {RateTolerance:0%} with no 429: {(WithinRateLimit == true ? "yes" : "**NO**")}{(paced < limit * (1 - RateTolerance) ? " (slower than the limit: the service did not reach it here; compare the same run without --rate-limit)" : "")}."));
            if (TooMany > 0)
            {
                md.AppendLine("- Each 429 sends its message back to Pending with a back-off (Messages:FirstRetryDelay), so the last invitations go out that much later and the rates above include the wait.");
            }
        }
    }

    private void AppendFakeCapacity(StringBuilder md)
    {
        foreach (var c in FakeCapacity)
        {
            md.AppendLine(Invariant(
                $"- Fake Twilio raw capacity, {c.Concurrency} concurrent posts for {c.Seconds:0.0} s from this process: {c.RequestsPerSecond:0} requests/s, p50 {c.P50Ms:0.00} ms, p99 {c.P99Ms:0.00} ms, {c.Errors} errors; CPU {c.Cpu.Client:0.00} cores (benchmark), machine {c.Cpu.Machine:0.00}."));
        }
    }

    private string TargetVerdict()
    {
        if (!Twilio || Options.RateLimit is not null)
        {
            return "not applicable to this run";
        }
        static string Met(double? rate) => rate >= TargetPerSecond ? "met" : "NOT met";
        return $"{Met(PerSecondFromT0)} from T0, {Met(PerSecondFromFirstSend)} from the first send{(Verified ? "" : " (but the run is not verified)")}";
    }

    /// <summary>Most 201s whose arrivals fall within any 1-second window.</summary>
    private int BusiestSecond()
    {
        var arrivals = Created.Select(c => c.ArrivedAt).ToArray();
        var best = 0;
        for (int start = 0, end = 0; end < arrivals.Length; end++)
        {
            while (arrivals[end] - arrivals[start] >= Stopwatch.Frequency)
            {
                start++;
            }
            best = Math.Max(best, end - start + 1);
        }
        return best;
    }

    private double PerMessage(double cores) => cores * Run.Cpu.Seconds / N * 1000;

    private static string Ms(long[] sorted, double p) => sorted.Length == 0 ? "—" : LatencyStats.Ms(LatencyStats.Percentile(sorted, p)).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Num(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "—";

    private static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.00 s", CultureInfo.InvariantCulture) : "—";

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
