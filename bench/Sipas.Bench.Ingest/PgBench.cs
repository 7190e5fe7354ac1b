using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Sipas.Bench.Ingest;

public sealed record PgBenchResult(double Tps, double LatencyMs, long Transactions, CpuUsage Cpu, string CommandLine)
{
    /// <summary>CPU per committed transaction, pgbench's own and PostgreSQL's, in milliseconds.</summary>
    public double CpuMsPerTransaction => (Cpu.ClientChildren + Cpu.Postgres) * Cpu.Seconds / Transactions * 1000;
}

/// <summary>
/// The ceiling for durable per-event commits on this PostgreSQL: pgbench committing one single-row INSERT per
/// transaction into a throwaway table, with as many clients as the HTTP run had workers.
/// </summary>
public static partial class PgBench
{
    private const string Table = "bench_insert";
    private const string Script = $"INSERT INTO {Table}(payload) VALUES ('x');\n";

    public sealed record Target(string ConnectionString, int Port, string BinDirectory);

    public static async Task<PgBenchResult> RunAsync(Target target, int clients, int seconds, string workDirectory, CpuMeter meter, CancellationToken ct)
    {
        await ExecuteAsync(target.ConnectionString, $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table}(id bigserial PRIMARY KEY, payload text, created_at timestamptz DEFAULT now())", ct);
        var scriptPath = Path.Combine(workDirectory, "insert.sql");
        await File.WriteAllTextAsync(scriptPath, Script, ct);
        try
        {
            var startInfo = StartInfo(target, clients, seconds, scriptPath);
            var idleChildren = meter.PostgresChildren();
            var before = meter.Take();
            var output = await RunProcessAsync(startInfo, ct);
            await meter.WaitForPostgresChildrenAsync(idleChildren, ct);
            var cpu = CpuMeter.Between(before, meter.Take());
            return new PgBenchResult(
                Number(TpsLine(), output), Number(LatencyLine(), output), (long)Number(TransactionsLine(), output), cpu, "pgbench " + string.Join(' ', startInfo.ArgumentList));
        }
        finally
        {
            File.Delete(scriptPath);
            await ExecuteAsync(target.ConnectionString, $"DROP TABLE IF EXISTS {Table}", CancellationToken.None);
        }
    }

    private static ProcessStartInfo StartInfo(Target target, int clients, int seconds, string scriptPath)
    {
        var connection = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        var startInfo = new ProcessStartInfo(FindPgBench(target.BinDirectory))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "-n", "-c", Invariant(clients), "-j", Invariant(Math.Min(2, clients)), "-T", Invariant(seconds), "-f", scriptPath,
            "-h", "127.0.0.1", "-p", Invariant(target.Port), "-U", connection.Username!, connection.Database!,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["PGPASSWORD"] = connection.Password;
        return startInfo;
    }

    private static string FindPgBench(string binDirectory)
    {
        var candidates = new[] { Path.Combine(binDirectory, "pgbench"), "/usr/bin/pgbench" };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"pgbench not found in {string.Join(" or ", candidates)}: apt-get install postgresql (Debian ships it with the server).");
    }

    private static async Task<string> RunProcessAsync(ProcessStartInfo startInfo, CancellationToken ct)
    {
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        var output = await stdout;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"pgbench failed with exit code {process.ExitCode}:\n{output}\n{await stderr}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static double Number(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Could not find /{pattern}/ in pgbench's output:\n{output}");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"^number of transactions actually processed: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex TransactionsLine();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();
}
