using Sipas.Bench.Ingest;

return await BenchCommandLine.MainAsync(args, BenchOptions.Parse, BenchOptions.Usage, async (options, ct) =>
{
    var report = await new IngestBenchmark(options, BenchCommandLine.Displayed("bench/run-ingest", args)).RunAsync(ct);
    return report.Load.ErrorCount == 0;
});
