using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Sipas.Bench.Ingest;

/// <summary>Sipas.Bot run as a child process, configured through its environment, with its console output kept in a log file.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _logPath;

    private ServiceProcess(Process process, StreamWriter log, string logPath, Uri baseAddress)
    {
        _process = process;
        _log = log;
        _logPath = logPath;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public sealed record Settings(string Dll, string ConnectionString, string Role, string Source, string Secret, string LogLevel, string LogPath, IReadOnlyList<string> ExtraEnvironment);

    public static ServiceProcess Start(Settings settings)
    {
        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root, where appsettings.json sits next to the dll.
            WorkingDirectory = Path.GetDirectoryName(settings.Dll)!,
        };
        startInfo.ArgumentList.Add(settings.Dll);
        Configure(startInfo.Environment, settings, port);

        var log = new StreamWriter(settings.LogPath) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, log, settings.LogPath, new Uri($"http://127.0.0.1:{port}"));
    }

    public async Task WaitUntilReadyAsync(HttpClient client, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var ready = new Uri(BaseAddress, "/health/ready");
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} before it was ready. Log {_logPath}:\n{LogTail()}");
            }
            if (await IsReadyAsync(client, ready, ct))
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        throw new TimeoutException($"The service was not ready within {ReadyTimeout.TotalSeconds:0} s. Log {_logPath}:\n{LogTail()}");
    }

    /// <summary>SIGTERM for a graceful shutdown, then a kill if it hangs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = kill(_process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Configure(IDictionary<string, string?> env, Settings settings, int port)
    {
        env["ConnectionStrings__Sipas"] = settings.ConnectionString;
        env["Sipas__MigrateOnStart"] = "true";
        env["Sipas__PersonalDataKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        env["Sipas__Role"] = settings.Role;
        env[$"OneStop__Sources__{settings.Source}__Secrets__0"] = settings.Secret;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["Logging__LogLevel__Default"] = settings.LogLevel;
        foreach (var setting in settings.ExtraEnvironment)
        {
            var split = setting.IndexOf('=', StringComparison.Ordinal);
            env[setting[..split]] = setting[(split + 1)..];
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient client, Uri ready, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(ready, ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private string LogTail()
    {
        lock (_log)
        {
            _log.Flush();
        }
        using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Length <= 4000 ? text : "…" + text[^4000..];
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                // A last line can arrive after the log was closed at shutdown.
                if (log.BaseStream is not null)
                {
                    log.WriteLine(line);
                }
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // DllImport rather than LibraryImport: the latter needs AllowUnsafeBlocks in the project.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
