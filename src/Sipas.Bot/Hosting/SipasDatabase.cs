using System.Security.Cryptography;
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
        var key = configuration["Sipas:PersonalDataKey"] ?? await LoadOrCreateKeyAsync(Path.Combine(dataDirectory, "personal-data.key"), ct);
        return new SipasDatabase(cluster.ConnectionString, PersonalDataProtector.FromBase64(key), cluster);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private static async Task<string> LoadOrCreateKeyAsync(string path, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, ct)).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(path, key, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
