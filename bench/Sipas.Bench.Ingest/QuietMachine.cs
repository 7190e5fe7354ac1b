using System.Globalization;

namespace Sipas.Bench.Ingest;

/// <summary>
/// On a 2-core machine a build or test run elsewhere takes half the CPU and the numbers with it, so the benchmark
/// waits for the machine to be idle and records how busy it was.
/// </summary>
public static class QuietMachine
{
    public const double IdleCores = 0.25;
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(2);

    /// <summary>The background load (cores) at the moment the run starts.</summary>
    public static async Task<double> WaitAsync(int maxSeconds, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(maxSeconds);
        var busy = await CpuMeter.MachineCoresAsync(Sample, ct);
        while (busy > IdleCores && DateTime.UtcNow < deadline)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The machine is busy ({busy:0.00} cores) before the run; waiting for it to be idle…"));
            busy = await CpuMeter.MachineCoresAsync(Sample, ct);
        }
        if (busy > IdleCores)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warning: starting anyway with {busy:0.00} cores busy elsewhere; the figures will be low."));
        }
        return busy;
    }
}
