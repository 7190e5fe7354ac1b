using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.EndToEnd;

/// <summary>
/// The real Sipas binary as a separate process, on a test database, so a test can kill it as a crash would
/// and start another one on the same data.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _output);

    public static ServiceProcess Start(string connectionString, string role, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BotAssembly());
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Sipas"] = connectionString,
            ["Sipas__MigrateOnStart"] = "true",
            ["Sipas__PersonalDataKey"] = TestPostgres.PersonalDataKey,
            ["Sipas__PublicBaseUrl"] = "https://sipas.test",
            ["Sipas__Role"] = role,
            ["Staff__FirstAdministrator__UserName"] = StaffSessions.FirstAdministrator,
            ["Staff__FirstAdministrator__Password"] = StaffSessions.Password,
            ["OneStop__Sources__igate__Secrets__0"] = Support.SipasFactory.Secret,
            ["Survey__DelayAfterReturn"] = "00:00:00",
            ["Survey__SeedHolidays"] = "false",
            ["Survey__AllowedWindow__Start"] = "00:00",
            ["Survey__AllowedWindow__End"] = "24:00",
            ["Scheduler__DispatchCron"] = "* * * * * *",
            ["Channels__Simulator__Enabled"] = "true",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(start)!, $"http://127.0.0.1:{port}");
    }

    public HttpClient Client() => new() { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        using var client = Client();
        await Eventually.WaitForAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("Sipas exited during start:\n" + Output);
                }

                try
                {
                    using var response = await client.GetAsync("/health/ready");
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ready => ready,
            timeout ?? TimeSpan.FromSeconds(60),
            "Sipas to be ready");
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("Sipas did not exit in time:\n" + Output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service as built next to these tests, in the same configuration (Debug or Release).</summary>
    internal static string BotAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sipas.sln")))
            {
                var path = Path.Combine(dir.FullName, "src", "Sipas.Bot", "bin", configuration, "net10.0", "Sipas.Bot.dll");
                return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Sipas.Bot first.", path);
            }
        }

        throw new DirectoryNotFoundException("Sipas.sln not found above " + AppContext.BaseDirectory);
    }
}
