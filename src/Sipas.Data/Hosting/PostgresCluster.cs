using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Sipas.Data.Hosting;

/// <summary>
/// A private PostgreSQL server run from the machine's own binaries, listening on 127.0.0.1 only:
/// the service's embedded database (kept between runs) and the tests' throwaway cluster.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "sipas";
    // PostgreSQL refuses to run as root, so a root process runs it as this OS user.
    private const string ServiceUser = "postgres";
    private const string Host = "127.0.0.1";
    private const int PgCtlTimeoutSeconds = 60;
    private const int TailChars = 3000;

    private readonly PostgresClusterOptions _options;
    private readonly ILogger _logger;
    private readonly string _dataDirectory;
    private readonly string _pgData;
    private readonly string _logFile;
    private readonly string _passwordFile;
    private readonly bool _asServiceUser;
    private string _password = "";
    private bool _serverRunningByUs;
    private bool _reused;
    private bool _disposed;

    private PostgresCluster(PostgresClusterOptions options, ILogger logger, string binDirectory, bool asServiceUser)
    {
        _options = options;
        _logger = logger;
        _dataDirectory = Path.GetFullPath(options.DataDirectory);
        _pgData = Path.Combine(_dataDirectory, "pgdata");
        _logFile = Path.Combine(_dataDirectory, "postgres.log");
        _passwordFile = Path.Combine(_dataDirectory, "pg-password");
        _asServiceUser = asServiceUser;
        BinDirectory = binDirectory;
    }

    /// <summary>Connection string for <see cref="PostgresClusterOptions.Database"/>.</summary>
    public string ConnectionString => ConnectionStringFor(_options.Database);

    public int Port { get; private set; }

    /// <summary>Folder holding initdb, pg_ctl and the other PostgreSQL programs used.</summary>
    public string BinDirectory { get; }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Password = _password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Starts the cluster in <see cref="PostgresClusterOptions.DataDirectory"/>, creating it on first use,
    /// or attaches to the server already running there.
    /// </summary>
    public static async Task<PostgresCluster> StartAsync(PostgresClusterOptions options, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Database);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1);
        if (options.DataDirectory.IndexOfAny(['"', '$', '`', '\\', '\n']) >= 0)
        {
            // pg_ctl hands the data folder to the server through a shell command line, inside double quotes.
            throw new ArgumentException($"The data folder '{options.DataDirectory}' contains a character pg_ctl cannot pass on: \" $ ` \\ or a line break.", nameof(options));
        }
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("PostgresCluster runs PostgreSQL's Unix binaries and does not support Windows.");
        }

        logger ??= NullLogger.Instance;
        var binDirectory = FindBinDirectory();
        logger.LogInformation("Using PostgreSQL binaries in {BinDirectory}", binDirectory);

        var cluster = new PostgresCluster(options, logger, binDirectory, asServiceUser: geteuid() == 0);
        try
        {
            await cluster.StartCoreAsync(ct);
        }
        catch
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (Exception cleanupError)
            {
                logger.LogWarning(cleanupError, "Cleaning up after a failed PostgreSQL start in {DataDirectory} failed", cluster._dataDirectory);
            }
            throw;
        }
        return cluster;
    }

    /// <summary>Stops the server if this instance started it; a server it merely reused is left running.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_serverRunningByUs)
        {
            if (_reused)
            {
                _logger.LogInformation("Leaving PostgreSQL on port {Port} running: this instance reused it and did not start it", Port);
            }
            return;
        }

        var result = await RunPgAsync("pg_ctl", ["-D", _pgData, "-m", "fast", "-w", "-t", Invariant(PgCtlTimeoutSeconds), "stop"], ct);
        if (result.ExitCode != 0)
        {
            if (await FindRunningServerPortAsync(ct) is not null)
            {
                throw Failure(result);
            }
            _logger.LogWarning("PostgreSQL in {DataDirectory} was already stopped by someone else", _dataDirectory);
        }
        _serverRunningByUs = false;

        // Pooled connections to the stopped server are dead; a later server on the same port would hand them out otherwise.
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }
        _logger.LogInformation("Stopped PostgreSQL on port {Port}", Port);
    }

    /// <summary>Stops the server if this instance started it, then deletes the data folder when ephemeral.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;

        await StopAsync();

        // A reused server belongs to another instance, which still needs its files.
        if (_options.Ephemeral && !_reused && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
            _logger.LogInformation("Deleted ephemeral PostgreSQL data folder {DataDirectory}", _dataDirectory);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private async Task StartCoreAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_dataDirectory);
        if (_asServiceUser)
        {
            await EnsureServiceUserCanReachDataDirectoryAsync(ct);
        }

        if (await FindRunningServerPortAsync(ct) is int runningPort)
        {
            Reuse(runningPort);
        }
        else
        {
            if (!File.Exists(Path.Combine(_pgData, "PG_VERSION")))
            {
                await InitDbAsync(ct);
            }
            await StartServerAsync(ct);
        }

        await EnsureDatabaseAsync(ct);
    }

    private void Reuse(int port)
    {
        Port = port;
        _reused = true;
        _password = ReadPassword();
        _logger.LogInformation("Reusing PostgreSQL already running on port {Port} for {DataDirectory}", port, _dataDirectory);
        if (_options.Port != 0 && _options.Port != port)
        {
            _logger.LogWarning("Port {RequestedPort} was asked for, but the running server listens on {Port}; restart it to change ports", _options.Port, port);
        }
    }

    private string ReadPassword()
    {
        if (!File.Exists(_passwordFile))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL cluster in '{_pgData}' has no password file '{_passwordFile}', so it cannot be logged into. " +
                "Restore that file, or delete the data folder to start over with an empty cluster.");
        }
        try
        {
            return File.ReadAllText(_passwordFile).Trim();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException(
                $"Cannot read the PostgreSQL password file '{_passwordFile}'; it belongs to the user that created the cluster. Run as that user.", e);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private async Task InitDbAsync(CancellationToken ct)
    {
        _logger.LogInformation("Initialising a new PostgreSQL cluster in {PgData}", _pgData);

        _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        WritePrivateFile(_passwordFile, _password);

        // pg-password stays private to the current user, so initdb (maybe another OS user) reads a copy that is removed afterwards.
        var initPasswordFile = Path.Combine(_dataDirectory, "pg-password.initdb");
        WritePrivateFile(initPasswordFile, _password);
        try
        {
            if (_asServiceUser)
            {
                Directory.CreateDirectory(_pgData, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                await GiveToServiceUserAsync([_pgData, initPasswordFile], ct);
            }

            List<string> arguments = ["-D", _pgData, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={initPasswordFile}", "-E", "UTF8"];
            if (!_options.Durable)
            {
                arguments.Add("--no-sync");
            }

            var result = await RunPgAsync("initdb", [.. arguments, "--locale=C.UTF-8"], ct);
            if (result.ExitCode != 0)
            {
                // initdb empties the data folder after a failure, so retrying in place is safe.
                _logger.LogWarning("initdb with locale C.UTF-8 failed (exit code {ExitCode}); retrying with --no-locale", result.ExitCode);
                result = await RunPgAsync("initdb", [.. arguments, "--no-locale"], ct);
                if (result.ExitCode != 0)
                {
                    throw Failure(result);
                }
            }
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private async Task StartServerAsync(CancellationToken ct)
    {
        _password = ReadPassword();
        if (!File.Exists(_logFile))
        {
            WritePrivateFile(_logFile, "");
        }
        if (_asServiceUser)
        {
            // Recursive so that a cluster initialised by another user becomes startable; cheap next to starting the server.
            await GiveToServiceUserAsync([_pgData, _logFile], ct);
        }

        // A free port found now can be taken by someone else before the server binds it, so a picked port gets a few tries.
        var attempts = _options.Port == 0 ? 3 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = _options.Port != 0 ? _options.Port : PickFreeLoopbackPort();
            var serverSettings = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"-p {port} -c listen_addresses={Host} -c unix_socket_directories='' ")
                .Append(CultureInfo.InvariantCulture, $"-c max_connections={_options.MaxConnections}");
            if (!_options.Durable)
            {
                serverSettings.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            }

            var logLengthBefore = new FileInfo(_logFile).Length;
            var result = await RunPgAsync(
                "pg_ctl",
                ["-D", _pgData, "-l", _logFile, "-w", "-t", Invariant(PgCtlTimeoutSeconds), "-o", serverSettings.ToString(), "start"],
                ct);
            if (result.ExitCode == 0)
            {
                Port = port;
                _serverRunningByUs = true;
                _logger.LogInformation("Started PostgreSQL on {Host}:{Port} with data in {PgData}", Host, port, _pgData);
                return;
            }

            var newLog = ReadLogSince(logLengthBefore);
            if (attempt < attempts && newLog.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal))
            {
                _logger.LogWarning("Port {Port} was taken before PostgreSQL could bind it; trying another", port);
                continue;
            }

            // Another process may have started the server on this folder at the same moment.
            if (await FindRunningServerPortAsync(ct) is int runningPort)
            {
                Reuse(runningPort);
                return;
            }
            throw Failure(result);
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await OpenWhenServerAcceptsAsync(connection, ct);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = _options.Database });
            if (await exists.ExecuteScalarAsync(ct) is not null)
            {
                return;
            }
        }

        var quoted = "\"" + _options.Database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand("CREATE DATABASE " + quoted, connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
            _logger.LogInformation("Created database {Database}", _options.Database);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently by another instance sharing this server.
        }
    }

    private static async Task OpenWhenServerAcceptsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // A reused server may have been started a moment ago by someone else and still be recovering.
        var deadline = DateTime.UtcNow.AddSeconds(PgCtlTimeoutSeconds);
        while (true)
        {
            try
            {
                await connection.OpenAsync(ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    /// <summary>Port of a server already running on this data folder, or null.</summary>
    private async Task<int?> FindRunningServerPortAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(_pgData, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        // Exit code 3 means not running: a stale postmaster.pid left by a crash, which the next start cleans up.
        var status = await RunPgAsync("pg_ctl", ["-D", _pgData, "status"], ct);
        if (status.ExitCode != 0)
        {
            return null;
        }

        // postmaster.pid lines: pid, data directory, start time, port, socket directory, listen address, ...
        var lines = await File.ReadAllLinesAsync(pidFile, ct);
        if (lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && await WaitUntilZombieIsReapedAsync(pid, ct))
        {
            return null;
        }
        if (lines.Length < 4 || !int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new InvalidOperationException(
                $"PostgreSQL is running on '{_pgData}' but its port could not be read from line 4 of '{pidFile}'.");
        }
        return port;
    }

    /// <summary>
    /// True when <paramref name="pid"/> was a zombie: an exited server whose parent has not collected it yet.
    /// pg_ctl status and the postmaster's own stale-lock check both count a zombie as alive, so wait until it is reaped.
    /// </summary>
    private async Task<bool> WaitUntilZombieIsReapedAsync(int pid, CancellationToken ct)
    {
        var statFile = $"/proc/{pid}/stat";
        if (!IsZombie(statFile))
        {
            return false;
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsZombie(statFile))
        {
            if (DateTime.UtcNow > deadline)
            {
                _logger.LogWarning("The exited PostgreSQL server process {Pid} was never reaped; starting may fail until it is", pid);
                break;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
        return true;
    }

    private static bool IsZombie(string statFile)
    {
        try
        {
            // Format: "pid (comm) state ..."; comm may itself contain ") ".
            var stat = File.ReadAllText(statFile);
            var end = stat.LastIndexOf(')');
            return end >= 0 && end + 2 < stat.Length && stat[end + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task EnsureServiceUserCanReachDataDirectoryAsync(CancellationToken ct)
    {
        var check = await RunAsync("runuser", ["-u", ServiceUser, "--", "test", "-x", _dataDirectory], ct);
        if (check.ExitCode == 0)
        {
            return;
        }
        if (check.StandardError.Length > 0)
        {
            throw new InvalidOperationException(
                $"This process runs as root, which PostgreSQL refuses, and running it as the '{ServiceUser}' user failed. " +
                $"Install PostgreSQL (apt-get install postgresql creates that user) or run as an unprivileged user. {Describe(check)}");
        }

        var blocking = _dataDirectory;
        for (var folder = _dataDirectory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            var step = await RunAsync("runuser", ["-u", ServiceUser, "--", "test", "-x", folder], ct);
            if (step.ExitCode != 0)
            {
                blocking = folder;
            }
        }
        throw new InvalidOperationException(
            $"This process runs as root, so PostgreSQL has to run as the '{ServiceUser}' user, but that user cannot reach the data folder " +
            $"'{_dataDirectory}': it may not enter '{blocking}'. Choose a data folder that user can reach, for example under /var/lib or /tmp " +
            "(permissions of existing folders are deliberately left alone).");
    }

    private async Task GiveToServiceUserAsync(IEnumerable<string> paths, CancellationToken ct)
    {
        var result = await RunAsync("chown", ["-R", "--", ServiceUser + ":", .. paths], ct);
        if (result.ExitCode != 0)
        {
            throw Failure(result);
        }
    }

    private static string FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        var candidates = new List<string>();
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: dir, Version: ParseVersion(Path.GetFileName(dir))))
                .Where(x => x.Version is not null)
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            ?? throw new InvalidOperationException(
                $"PostgreSQL server binaries not found (no folder with both initdb and pg_ctl in {debianRoot}/<version>/bin or on PATH); " +
                "install them with: apt-get install postgresql");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private static int PickFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [UnsupportedOSPlatform("windows")]
    private static void WritePrivateFile(string path, string content)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        // UnixCreateMode only applies to new files; an existing one keeps its old mode otherwise.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Runs a PostgreSQL program, as the service user when this process is root.</summary>
    private Task<ProcessResult> RunPgAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var path = Path.Combine(BinDirectory, program);
        return _asServiceUser
            ? RunAsync("runuser", ["-u", ServiceUser, "--", path, .. arguments], ct)
            : RunAsync(path, arguments, ct);
    }

    private async Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The service user may not be allowed into this process's current folder.
            WorkingDirectory = Directory.Exists(_dataDirectory) ? _dataDirectory : "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // PGPORT, PGDATA, PGOPTIONS and friends from the environment must not steer this private server.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        var commandLine = string.Join(' ', new[] { fileName }.Concat(arguments).Select(QuoteForDisplay));
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run `{commandLine}`: {e.Message}", e);
        }
        process.StandardInput.Close();

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr);
    }

    private InvalidOperationException Failure(ProcessResult result) =>
        new($"`{result.CommandLine}` failed with exit code {result.ExitCode}. {Describe(result)}" +
            $"{Environment.NewLine}Tail of {_logFile}:{Environment.NewLine}{ReadLogTail()}");

    private static string Describe(ProcessResult result) =>
        $"{Environment.NewLine}stdout:{Environment.NewLine}{Tail(result.StandardOutput)}" +
        $"{Environment.NewLine}stderr:{Environment.NewLine}{Tail(result.StandardError)}";

    private string ReadLogTail()
    {
        if (!File.Exists(_logFile))
        {
            return "(no log file)";
        }
        var length = new FileInfo(_logFile).Length;
        return Tail(ReadLogSince(Math.Max(0, length - TailChars)));
    }

    private string ReadLogSince(long offset)
    {
        try
        {
            using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException e)
        {
            return $"(could not read {_logFile}: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"(could not read {_logFile}: {e.Message})";
        }
    }

    private static string Tail(string text)
    {
        text = text.TrimEnd();
        if (text.Length == 0)
        {
            return "(empty)";
        }
        return text.Length <= TailChars ? text : "…" + text[^TailChars..];
    }

    private static string QuoteForDisplay(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // DllImport rather than LibraryImport: the latter needs AllowUnsafeBlocks in the project.
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint geteuid();

    private sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError);
}
