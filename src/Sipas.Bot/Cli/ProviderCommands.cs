using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Channels;
using Sipas.Data;

namespace Sipas.Bot.Cli;

/// <summary>`provider list|resume`: the providers paused after a configuration error, and putting one back to work once its account is fixed.</summary>
public static class ProviderCommands
{
    public static Command Create(CliHost host)
    {
        var command = new Command("provider", "See paused channel providers and resume one after fixing its account.");
        command.Subcommands.Add(List(host));
        command.Subcommands.Add(Resume(host));
        return command;
    }

    private static Command List(CliHost host)
    {
        var command = new Command("list", "List providers that were ever paused, with until when and why.");
        command.SetAction(host, async (_, ct) =>
        {
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: false, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            var now = DateTimeOffset.UtcNow;
            var states = await db.ChannelProviderStates.AsNoTracking().OrderBy(p => p.Provider).ToListAsync(ct);
            await host.Output.WriteLineAsync(states.Count == 0 ? "No provider has been paused." : $"{states.Count} provider(s) with a recorded state:");
            foreach (var state in states)
            {
                var status = state.PausedUntil > now ? $"PAUSED until {state.PausedUntil:yyyy-MM-dd HH:mm} UTC: {state.PauseReason}" : "working";
                await host.Output.WriteLineAsync($"  {state.Provider}: {status}");
            }

            return 0;
        });
        return command;
    }

    private static Command Resume(CliHost host)
    {
        var name = new Argument<string>("provider") { Description = "The provider's name (twilio, esms, zalo-zns, zalo-oa, telegram)." };
        var command = new Command("resume", "End a provider's pause now; running services pick it up within seconds.") { name };
        command.SetAction(host, async (parsed, ct) =>
        {
            var provider = parsed.GetValue(name)!.Trim();
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: false, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            if (!await ProviderPauses.ResumeAsync(db, provider, DateTimeOffset.UtcNow, ct))
            {
                return host.Fail($"Provider '{provider}' is not paused (see `provider list`).");
            }

            await host.Output.WriteLineAsync($"Resumed {provider}; its waiting messages are sent at their next attempt.");
            return 0;
        });
        return command;
    }
}
