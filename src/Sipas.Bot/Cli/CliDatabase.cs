using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sipas.Bot.Hosting;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Cli;

/// <summary>
/// The database a command works on, found as the service finds it: `ConnectionStrings:Sipas`, or the embedded default
/// cluster in the data folder (started for the command and stopped after it, or reused when the service is running).
/// </summary>
public sealed class CliDatabase : IAsyncDisposable
{
    private readonly SipasDatabase? _embedded;
    private readonly ServiceProvider _services;

    private CliDatabase(SipasDatabase? embedded, ServiceProvider services, string description, bool migratesOnStart)
    {
        _embedded = embedded;
        _services = services;
        Description = description;
        MigratesOnStart = migratesOnStart;
    }

    /// <summary>Where the data is, without the password, for the command's report.</summary>
    public string Description { get; }

    /// <summary>What `Sipas:MigrateOnStart` says for this database (true by default for the embedded one).</summary>
    public bool MigratesOnStart { get; }

    public IServiceProvider Services => _services;

    /// <param name="needsPersonalData">
    /// False for `migrate`: migrations never read or write personal data, so a configured database can be migrated
    /// without `Sipas:PersonalDataKey`.
    /// </param>
    public static async Task<CliDatabase> OpenAsync(CliHost host, bool needsPersonalData, CancellationToken ct)
    {
        var configured = host.Configuration.GetConnectionString("Sipas");
        SipasDatabase? embedded = null;
        string connectionString;
        PersonalDataProtector personalData;
        if (!string.IsNullOrWhiteSpace(configured) && !needsPersonalData)
        {
            connectionString = configured;
            personalData = new PersonalDataProtector(RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            var database = await SipasDatabase.PrepareAsync(host.Configuration, NullLogger.Instance, ct);
            (connectionString, personalData) = (database.ConnectionString, database.PersonalData);
            embedded = database.IsEmbedded ? database : null;
        }

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(host.Configuration)
            .AddSipasData(connectionString, personalData);
        services.AddStaffAccounts();
        var provider = services.BuildServiceProvider();
        var where = new NpgsqlConnectionStringBuilder(connectionString);
        var description = $"{(embedded is null ? "configured" : "embedded default")} database {where.Database} on {where.Host}:{where.Port}";
        return new CliDatabase(embedded, provider, description, DatabaseSchema.MigratesOnStart(host.Configuration, embedded is not null));
    }

    /// <summary>
    /// What the service does on start: applies pending migrations when `Sipas:MigrateOnStart` allows it (reporting
    /// them), and otherwise refuses to work on a schema that is behind. False when refused.
    /// </summary>
    public async Task<bool> EnsureSchemaAsync(CliHost host, CancellationToken ct)
    {
        var schema = await DatabaseSchema.PrepareAsync(_services, MigratesOnStart, ct);
        if (schema.Refused)
        {
            host.Fail(DatabaseSchema.Refusal(schema.Pending));
            return false;
        }

        if (schema.Applied.Count > 0)
        {
            await host.Output.WriteLineAsync($"Applied {schema.Applied.Count} pending migration(s) first: {string.Join(", ", schema.Applied)}");
        }

        return true;
    }

    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
