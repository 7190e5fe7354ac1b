using System.CommandLine;
using Npgsql;

namespace Sipas.Bot.Cli;

/// <summary>
/// The operator command line of the same binary (`dotnet run --project src/Sipas.Bot -- &lt;command&gt;`): when the first
/// argument names a command, the command runs and the process exits instead of starting the service.
/// </summary>
public static class SipasCli
{
    /// <summary>The commands of <see cref="Root"/>, known before any configuration is read (a test keeps the two equal).</summary>
    internal static readonly string[] CommandNames = ["migrate", "send-sample-event", "import-units", "import-procedures", "source", "provider", "create-admin"];
    private static readonly string[] RootOptions = ["--help", "-h", "-?", "--version"];

    /// <summary>True when <paramref name="args"/> start with a command, or ask for help or the version; anything else (`--urls …`) is the service's.</summary>
    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && (RootOptions.Contains(args[0]) || CommandNames.Contains(args[0]));

    public static Task<int> RunAsync(string[] args, CliHost? host = null, CancellationToken ct = default)
    {
        host ??= CliHost.Create();
        var parsed = Root(host).Parse(args);
        return parsed.InvokeAsync(new InvocationConfiguration { Output = host.Output, Error = host.Error, EnableDefaultExceptionHandler = false }, ct);
    }

    internal static RootCommand Root(CliHost host)
    {
        var root = new RootCommand(
            "Sipas: citizen-satisfaction surveys for one-stop offices. Without a command the binary runs the service. " +
            "Commands read the service's configuration (appsettings, environment variables such as ConnectionStrings__Sipas); " +
            "with no connection string they use the embedded default database, as the service would.");
        root.Subcommands.Add(MigrateCommand.Create(host));
        root.Subcommands.Add(SendSampleEventCommand.Create(host));
        root.Subcommands.Add(ImportCommands.Units(host));
        root.Subcommands.Add(ImportCommands.Procedures(host));
        root.Subcommands.Add(SourceCommands.Create(host));
        root.Subcommands.Add(ProviderCommands.Create(host));
        root.Subcommands.Add(CreateAdminCommand.Create(host));
        return root;
    }

    /// <summary>Runs a command's body; any failure becomes one clear line on stderr and exit code 1, never a stack trace.</summary>
    internal static void SetAction(this Command command, CliHost host, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, ct) =>
        {
            try
            {
                return await action(parsed, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await host.Error.WriteLineAsync("Cancelled.");
                return 130;
            }
            catch (Exception ex)
            {
                await host.Error.WriteLineAsync("error: " + Describe(ex));
                return 1;
            }
        });

    /// <summary>Prints a refusal or a bad input and returns the exit code for it.</summary>
    internal static int Fail(this CliHost host, string message)
    {
        host.Error.WriteLine("error: " + message);
        return 1;
    }

    private static string Describe(Exception ex) => ex switch
    {
        InvalidOperationException or NpgsqlException or IOException or HttpRequestException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
