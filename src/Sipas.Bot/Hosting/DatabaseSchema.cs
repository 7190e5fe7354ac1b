using Microsoft.EntityFrameworkCore;
using Sipas.Data;

namespace Sipas.Bot.Hosting;

/// <summary>
/// `Sipas:MigrateOnStart`: whether a starting process applies pending migrations itself. On by default for the
/// embedded default database, which belongs to this process alone; off by default for a configured database, where
/// migrations are a deliberate, reviewed step (the `migrate` command or the SQL of scripts/migration-script) and
/// several instances must not race to alter the schema. A process that may not migrate refuses to start on a schema
/// that is behind, rather than fail later on a missing column.
/// </summary>
public static class DatabaseSchema
{
    public const string MigrateOnStartKey = "Sipas:MigrateOnStart";

    public static bool MigratesOnStart(IConfiguration configuration, bool embedded) => configuration.GetValue<bool?>(MigrateOnStartKey) ?? embedded;

    /// <summary>Applies pending migrations when allowed. <see cref="SchemaState.Refused"/> when some are pending and it may not.</summary>
    public static async Task<SchemaState> PrepareAsync(IServiceProvider services, bool migrate, CancellationToken ct = default)
    {
        var pending = await PendingAsync(services, ct);
        if (pending.Count == 0 || !migrate)
        {
            return new SchemaState(Applied: [], Pending: pending);
        }

        await services.MigrateSipasDatabaseAsync(ct);
        return new SchemaState(Applied: pending, Pending: []);
    }

    public static async Task<IReadOnlyList<string>> PendingAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        return [.. await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Database.GetPendingMigrationsAsync(ct)];
    }

    /// <summary>What to tell an operator whose database lacks <paramref name="pending"/> migrations that this process may not apply.</summary>
    public static string Refusal(IReadOnlyList<string> pending) =>
        $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and {MigrateOnStartKey} is false, so Sipas will not use it. " +
        "Apply them first with the same configuration: `dotnet run --project src/Sipas.Bot -- migrate` (from a published build: `dotnet Sipas.Bot.dll migrate`), " +
        $"or review and run the idempotent SQL that `scripts/migration-script` writes; or set {MigrateOnStartKey}=true to let this process apply them.";

    /// <summary>Brings the schema up to date or explains why it will not start; false means stop with a non-zero exit code.</summary>
    public static async Task<bool> PrepareSchemaAsync(this WebApplication app, SipasDatabase database)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sipas.Startup");
        var schema = await PrepareAsync(app.Services, MigratesOnStart(app.Configuration, database.IsEmbedded));
        if (schema.Refused)
        {
            logger.LogCritical("{Refusal}", Refusal(schema.Pending));
            return false;
        }

        if (schema.Applied.Count > 0)
        {
            logger.LogInformation("Applied {Count} migrations: {Migrations}", schema.Applied.Count, string.Join(", ", schema.Applied));
        }

        return true;
    }
}

/// <param name="Applied">Migrations this call applied.</param>
/// <param name="Pending">Migrations still missing (only when this process may not apply them).</param>
public sealed record SchemaState(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending)
{
    public bool Refused => Pending.Count > 0;
}
