using System.CommandLine;
using Sipas.Bot.Hosting;
using Sipas.Data;

namespace Sipas.Bot.Cli;

/// <summary>`migrate`: applies pending migrations to the configured database, whatever `Sipas:MigrateOnStart` says.</summary>
public static class MigrateCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("migrate", "Apply pending database migrations to the configured database (or the embedded default) and exit.");
        command.SetAction(host, async (_, ct) =>
        {
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: false, ct);
            var pending = await DatabaseSchema.PendingAsync(database.Services, ct);
            if (pending.Count == 0)
            {
                await host.Output.WriteLineAsync($"The {database.Description} is up to date: no migration to apply.");
                return 0;
            }

            await database.Services.MigrateSipasDatabaseAsync(ct);
            await host.Output.WriteLineAsync($"Applied {pending.Count} migration(s) to the {database.Description}:");
            foreach (var migration in pending)
            {
                await host.Output.WriteLineAsync("  " + migration);
            }

            return 0;
        });
        return command;
    }
}
