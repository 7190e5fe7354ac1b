using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace Sipas.Bench.Ingest;

/// <summary>What the numbers depend on: the machine, where the data lives, and how PostgreSQL commits.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGiB, string Os, string Kernel, string Runtime, string DataFileSystem)
{
    public static MachineInfo Read(string dataDirectory) => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name") ?? "unknown CPU",
        (FirstValue("/proc/meminfo", "MemTotal") is { } kb ? double.Parse(kb.Split(' ')[0], CultureInfo.InvariantCulture) : 0) / 1024 / 1024,
        OsName(),
        ReadOr("/proc/sys/kernel/osrelease", "unknown kernel"),
        RuntimeInformation.FrameworkDescription,
        FileSystemOf(dataDirectory));

    public string Describe() =>
        $"{Cores} × {CpuModel}, {MemoryGiB:0.#} GiB, {Os} (Linux {Kernel}), {Runtime}; PostgreSQL data on {DataFileSystem}";

    /// <summary>"value" of the first "key : value" line.</summary>
    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)).Select(l => l[12..].Trim('"')).FirstOrDefault() ?? "Linux"
            : RuntimeInformation.OSDescription;

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path).Trim() : fallback;

    /// <summary>Type and device of the mount holding the folder: a tmpfs would make fsync free and the numbers meaningless.</summary>
    private static string FileSystemOf(string path)
    {
        var full = Path.GetFullPath(path);
        var mount = File.ReadLines("/proc/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length >= 3 && IsUnder(full, f[1]))
            .MaxBy(f => f[1].Length);
        return mount is null ? "unknown file system" : $"{mount[2]} ({mount[0]} at {mount[1]})";
    }

    private static bool IsUnder(string path, string mountPoint) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);
}

public sealed record PostgresInfo(string Version, string Fsync, string SynchronousCommit, string WalSyncMethod, string SharedBuffers)
{
    public static async Task<PostgresInfo> ReadAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        async Task<string> Show(string setting)
        {
            await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
            return (string)(await command.ExecuteScalarAsync(ct))!;
        }
        return new PostgresInfo(await Show("server_version"), await Show("fsync"), await Show("synchronous_commit"), await Show("wal_sync_method"), await Show("shared_buffers"));
    }

    public string Describe() =>
        $"PostgreSQL {Version}: fsync={Fsync}, synchronous_commit={SynchronousCommit}, wal_sync_method={WalSyncMethod}, shared_buffers={SharedBuffers}";
}
