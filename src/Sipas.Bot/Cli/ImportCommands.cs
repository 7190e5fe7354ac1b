using System.CommandLine;
using Sipas.Bot.Admin;

namespace Sipas.Bot.Cli;

/// <summary>`import-units &lt;csv&gt;` and `import-procedures &lt;csv&gt;`: check the whole file, report every problem by line, then upsert in one transaction.</summary>
public static class ImportCommands
{
    public static Command Units(CliHost host) => Create(
        host,
        "import-units",
        $"Import official administrative units from CSV with columns {string.Join(",", ImportUnits.Required)} (optional: {string.Join(",", ImportUnits.Optional)}); " +
        $"kind is one of {ImportUnits.KindNames}; parents may come later in the file or already exist.",
        "units",
        (services, csv, ct) => ActivatorUtilities.CreateInstance<ImportUnits>(services).RunAsync(csv, ct));

    public static Command Procedures(CliHost host) => Create(
        host,
        "import-procedures",
        $"Import administrative procedures from CSV with columns {string.Join(",", ImportProcedures.Required)}.",
        "procedures",
        (services, csv, ct) => ActivatorUtilities.CreateInstance<ImportProcedures>(services).RunAsync(csv, ct));

    private static Command Create(CliHost host, string name, string description, string what, Func<IServiceProvider, byte[], CancellationToken, Task<ImportReport>> import)
    {
        var file = new Argument<FileInfo>("csv") { Description = "The CSV file, UTF-8 with or without a byte-order mark, first line naming the columns." };
        file.AcceptExistingOnly();
        var command = new Command(name, description) { file };
        command.SetAction(host, async (parsed, ct) =>
        {
            var path = parsed.GetValue(file)!;
            var csv = await File.ReadAllBytesAsync(path.FullName, ct);
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: true, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var report = await import(scope.ServiceProvider, csv, ct);
            if (!report.Succeeded)
            {
                foreach (var error in report.Errors)
                {
                    await host.Error.WriteLineAsync(error.Line is { } line ? $"{path.Name}:{line}: {error.Message}" : $"{path.Name}: {error.Message}");
                }

                await host.Error.WriteLineAsync($"{report.Errors.Count} problem(s) found; nothing was changed.");
                return 1;
            }

            var reviewed = report.Reviewed > 0 ? $"; {report.Reviewed} of the updated were recorded from events and are no longer flagged for review" : string.Empty;
            await host.Output.WriteLineAsync(
                $"Imported {report.Rows} {what} from {path.Name} into the {database.Description}: " +
                $"{report.Inserted} inserted, {report.Updated} updated, {report.Unchanged} unchanged{reviewed}.");
            return 0;
        });
        return command;
    }
}
