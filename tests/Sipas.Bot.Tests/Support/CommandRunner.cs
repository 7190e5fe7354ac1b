using System.Text;
using Sipas.Bot.Cli;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Support;

/// <summary>Runs an operator command in-process, through the same entry point as `Sipas.Bot &lt;command&gt;`, on a test database.</summary>
public static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        string connectionString, string[] args, IReadOnlyDictionary<string, string?>? settings = null, HttpMessageHandler? http = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sipas"] = connectionString,
            ["Sipas:PersonalDataKey"] = TestPostgres.PersonalDataKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await SipasCli.RunAsync(args, CliHost.Create(all, output, error, http));
        return new CommandResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A CSV file in a fresh folder under the test binaries (not the system's temp folder, so a run leaves nothing
    /// behind outside the work tree), with or without a UTF-8 byte-order mark.
    /// </summary>
    public static string CsvFile(string name, string content, bool byteOrderMark = false)
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "cli-files", Guid.NewGuid().ToString("N")));
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: byteOrderMark));
        return path;
    }
}

public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
