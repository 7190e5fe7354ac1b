using System.Diagnostics;
using System.Globalization;

namespace Sipas.Testing;

/// <summary>
/// Keeps throwaway test clusters from outliving their test run. Each cluster folder carries <c>owner.pid</c>
/// (the test process and its start time); a detached watchdog stops the server and deletes the folder as soon as
/// that process is gone (the test host is often killed by the runner before its exit handlers finish), and every
/// new run sweeps folders whose owner is gone, in case a watchdog was killed too.
/// </summary>
public static class TestClusters
{
    public const string FolderPrefix = "sipas-tests-";
    private const string OwnerFile = "owner.pid";

    /// <summary>A new, empty cluster folder owned by this process, watched from outside it.</summary>
    public static string NewFolder()
    {
        SweepOrphans();
        var folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, OwnerFile), $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}");
        StartWatchdog(folder);
        return folder;
    }

    /// <summary>Stops and deletes every test cluster whose owning process has exited.</summary>
    public static void SweepOrphans()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (OwnerIsAlive(folder))
            {
                continue;
            }

            try
            {
                StopServer(folder);
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Could not sweep the orphaned test cluster {folder}: {ex.Message}");
            }
        }
    }

    private static bool OwnerIsAlive(string folder)
    {
        string[] owner;
        try
        {
            owner = File.ReadAllText(Path.Combine(folder, OwnerFile)).Split(' ');
        }
        catch (IOException)
        {
            // No owner file: a folder from before owners were recorded, or one being created right now; leave young ones alone.
            return Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10);
        }

        return owner.Length == 2 && int.TryParse(owner[0], CultureInfo.InvariantCulture, out var pid) && StartTime(pid) == owner[1];
    }

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), so a reused pid is not mistaken for the owner.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] == "Z" ? null : fields[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>SIGQUIT is PostgreSQL's immediate shutdown: every server started on the folder exits at once, with nothing to keep.</summary>
    private static void StopServer(string folder) => RunScript(StopServersScript, folder, wait: true);

    private static void StartWatchdog(string folder) => RunScript(WatchdogScript, folder, wait: false);

    // Servers are matched by command line rather than by postmaster.pid, so one whose folder is already gone is stopped too.
    private const string StopServersScript = """
        pkill -QUIT -f "postgres -D $2/"
        for _ in $(seq 100); do pgrep -f "postgres -D $2/" >/dev/null || break; sleep 0.1; done
        """;

    private const string WatchdogScript = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        pkill -QUIT -f "postgres -D $2/"
        for _ in $(seq 100); do pgrep -f "postgres -D $2/" >/dev/null || break; sleep 0.1; done
        rm -rf "$2"
        """;

    /// <summary>Runs a script with the owner's pid as $1 and the folder as $2, in its own session so it outlives a killed test host.</summary>
    private static void RunScript(string script, string folder, bool wait)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[] { "bash", "-c", script, "sipas-test-cluster", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), folder })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run setsid/bash to look after a test cluster.");
        if (wait)
        {
            process.WaitForExit();
        }
    }
}
