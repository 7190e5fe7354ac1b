using Sipas.Data.Hosting;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Hosting;

/// <summary>
/// Where the data lives. With `ConnectionStrings:Sipas` set, that database and the configured personal data key;
/// without it, the embedded default: a private PostgreSQL cluster and a generated key, both kept in the data folder.
/// </summary>
public sealed class SipasDatabase : IAsyncDisposable
{
    private readonly PostgresCluster? _cluster;

    private SipasDatabase(string connectionString, PersonalDataProtector personalData, PostgresCluster? cluster)
    {
        ConnectionString = connectionString;
        PersonalData = personalData;
        _cluster = cluster;
    }

    public string ConnectionString { get; }

    public PersonalDataProtector PersonalData { get; }

    public bool IsEmbedded => _cluster is not null;

    public static async Task<SipasDatabase> PrepareAsync(IConfiguration configuration, ILogger logger, CancellationToken ct = default)
    {
        var configured = configuration.GetConnectionString("Sipas");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new SipasDatabase(configured, PersonalDataProtector.FromBase64(configuration["Sipas:PersonalDataKey"]), cluster: null);
        }

        var dataDirectory = Path.GetFullPath(configuration["Sipas:DataDirectory"] ?? ".sipas-data");
        Directory.CreateDirectory(dataDirectory);
        logger.LogInformation("No ConnectionStrings:Sipas: starting the embedded PostgreSQL in {DataDirectory}", dataDirectory);
        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { DataDirectory = dataDirectory }, logger, ct);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The embedded database runs PostgreSQL's Unix binaries: set ConnectionStrings:Sipas on Windows.");
        }

        var key = configuration["Sipas:PersonalDataKey"] ?? PersonalDataKeyFile.LoadOrCreate(Path.Combine(dataDirectory, "personal-data.key"));
        return new SipasDatabase(cluster.ConnectionString, PersonalDataProtector.FromBase64(key), cluster);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
