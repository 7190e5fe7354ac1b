using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Hosting;

namespace Sipas.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test run, started from the machine's binaries. A template database is
/// migrated once; every test class gets its own fresh copy of it, so tests never see each other's rows.
/// </summary>
public static class TestPostgres
{
    private const string TemplateDatabase = "sipas_template";
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(StartAsync);

    /// <summary>A fixed test key: personal data in test databases is encrypted like in production.</summary>
    public static readonly string PersonalDataKey = Convert.ToBase64String(SHA256.HashData("sipas-test-personal-data-key"u8));

    public static async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var cluster = await Cluster.Value;
        var name = $"{prefix ?? "t"}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {TemplateDatabase}", connection);
        await command.ExecuteNonQueryAsync();
        return cluster.ConnectionStringFor(name);
    }

    /// <summary>A database with no schema at all, as a new production database is before its first `migrate`.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string? prefix = null)
    {
        var cluster = await Cluster.Value;
        var name = $"{prefix ?? "empty"}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0", connection);
        await command.ExecuteNonQueryAsync();
        return cluster.ConnectionStringFor(name);
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        var directory = TestClusters.NewFolder();
        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions
        {
            DataDirectory = directory,
            Ephemeral = true,
            Durable = false,
            Database = TemplateDatabase,
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var options = new DbContextOptionsBuilder<SipasDbContext>();
        SipasDbContextOptions.Configure(options, cluster.ConnectionStringFor(TemplateDatabase));
        await using (var db = new SipasDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        // A template must have no open connections when it is copied.
        NpgsqlConnection.ClearAllPools();
        return cluster;
    }
}
