using System.Runtime.InteropServices;
using Sipas.Bench.Ingest;

var options = BenchOptions.Parse(args, out var error);
if (options is null)
{
    if (error is not null)
    {
        Console.Error.WriteLine($"{error} Run with --help for the options.");
        return 2;
    }
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

// Ctrl+C and SIGTERM cancel the run instead of killing it, so the service and PostgreSQL are still stopped.
using var cancel = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

try
{
    var report = await new IngestBenchmark(options, DisplayedCommand(args)).RunAsync(cancel.Token);
    return report.Load.ErrorCount == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; the service and PostgreSQL were stopped.");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    return 1;
}

// The --repo that bench/run-ingest adds is this machine's path, not part of what a reader reruns.
static string DisplayedCommand(string[] args)
{
    var shown = args.Where((a, i) => a != "--repo" && (i == 0 || args[i - 1] != "--repo"));
    return string.Join(' ', ["bench/run-ingest", .. shown]);
}
