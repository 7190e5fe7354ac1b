using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.OneStop;
using Sipas.Data;

namespace Sipas.Bot.Cli;

/// <summary>`source add|rotate|list`: the one-stop systems allowed to post events, and their HMAC secrets.</summary>
public static class SourceCommands
{
    public static Command Create(CliHost host)
    {
        var command = new Command("source", "Manage the one-stop sources allowed to post events and their HMAC secrets.");
        command.Subcommands.Add(Secret(host, "add", "Add a source and print its newly generated secret once.", rotate: false));
        command.Subcommands.Add(Secret(host, "rotate", "Add a second secret to a source; the newest older one stays valid until the next rotation.", rotate: true));
        command.Subcommands.Add(List(host));
        return command;
    }

    private static Command Secret(CliHost host, string name, string description, bool rotate)
    {
        var code = new Argument<string>("code") { Description = "The source's code, as it will send it in X-Sipas-Source (e.g. igate)." };
        var command = new Command(name, description) { code };
        command.SetAction(host, async (parsed, ct) =>
        {
            var sourceCode = parsed.GetValue(code)!.Trim();
            var configured = ConfiguredSecrets(host, sourceCode);
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: true, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var outcome = await ActivatorUtilities.CreateInstance<AddSourceSecret>(scope.ServiceProvider).RunAsync(sourceCode, rotate, configured, ct);
            if (outcome is SourceSecretOutcome.Refused refused)
            {
                return host.Fail(refused.Reason);
            }

            var added = (SourceSecretOutcome.Added)outcome;
            var output = host.Output;
            await output.WriteLineAsync($"{(rotate ? "Rotated" : "Added")} source {sourceCode} (id {added.SourceId}) in the {database.Description}: new secret {added.SecretId}.");
            await output.WriteLineAsync("The secret is shown this once; give it to the one-stop system now (Sipas stores it encrypted and cannot show it again):");
            await output.WriteLineAsync($"secret: {added.Secret}");
            foreach (var kept in added.StillValid)
            {
                await output.WriteLineAsync($"Still valid: secret {kept.Id} added {kept.CreatedAt:yyyy-MM-dd HH:mm} UTC (retired by the next rotation).");
            }

            foreach (var retired in added.Retired)
            {
                await output.WriteLineAsync($"Retired: secret {retired.Id} added {retired.CreatedAt:yyyy-MM-dd HH:mm} UTC is no longer accepted.");
            }

            if (configured > 0)
            {
                await output.WriteLineAsync($"The {configured} secret(s) in OneStop:Sources:{sourceCode}:Secrets stay valid until removed from the configuration.");
            }

            await output.WriteLineAsync($"Running services accept it within {OneStopSecrets.RefreshAfter.TotalSeconds:0} seconds.");
            return 0;
        });
        return command;
    }

    private static Command List(CliHost host)
    {
        var command = new Command("list", "List the sources with how many secrets each has (never the secrets).");
        command.SetAction(host, async (_, ct) =>
        {
            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: true, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            var sources = await db.OneStopSources.AsNoTracking()
                .OrderBy(s => s.Code)
                .Select(s => new
                {
                    s.Code,
                    s.CreatedAt,
                    Stored = db.OneStopSourceSecrets.Count(k => k.SourceId == s.Id && k.RetiredAt == null),
                    Newest = db.OneStopSourceSecrets.Where(k => k.SourceId == s.Id && k.RetiredAt == null).Max(k => (DateTimeOffset?)k.CreatedAt),
                })
                .ToListAsync(ct);
            var configuredOnly = host.Configuration.GetSection("OneStop:Sources").GetChildren()
                .Select(c => c.Key).Where(c => sources.All(s => s.Code != c)).Order(StringComparer.Ordinal).ToList();
            await host.Output.WriteLineAsync($"{sources.Count + configuredOnly.Count} source(s) in the {database.Description} and the configuration:");
            foreach (var source in sources)
            {
                var newest = source.Newest is { } at ? $", newest added {at:yyyy-MM-dd HH:mm} UTC" : string.Empty;
                await host.Output.WriteLineAsync(
                    $"  {source.Code}: {source.Stored} stored secret(s){newest}, {ConfiguredSecrets(host, source.Code)} configured; first seen {source.CreatedAt:yyyy-MM-dd}");
            }

            foreach (var code in configuredOnly)
            {
                await host.Output.WriteLineAsync($"  {code}: {ConfiguredSecrets(host, code)} configured secret(s); no event received yet");
            }

            return 0;
        });
        return command;
    }

    private static int ConfiguredSecrets(CliHost host, string code) =>
        host.Configuration.GetSection($"OneStop:Sources:{code}:Secrets").GetChildren().Count(s => !string.IsNullOrEmpty(s.Value));
}
