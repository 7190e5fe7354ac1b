using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Sipas.Data.Diagnostics;
using Sipas.Data.Index;
using Sipas.Data.Privacy;

namespace Sipas.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>One NpgsqlDataSource for the whole process, shared by EF Core and Hangfire.</summary>
    public static IServiceCollection AddSipasData(this IServiceCollection services, string connectionString, PersonalDataProtector personalData)
    {
        services.AddSingleton(_ => CreateDataSource(connectionString));
        services.AddDbContextPool<SipasDbContext>((provider, options) =>
            SipasDbContextOptions.Configure(options, provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(personalData);
        services.AddScoped<IndexQuery>();
        services.AddSingleton<UnitDailyCounts>();
        services.AddSingleton<ResponseRates>();
        services.AddSingleton<Failpoints>();
        services.TryAddSingleton<SipasMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Auto-prepares the statements every request repeats unless the connection string says otherwise: without it
    /// each pooled connection's reset discards the plans, and PostgreSQL re-plans the inserts and their foreign-key
    /// checks for every event (BENCHMARKS.md: +45 % ingest throughput, half the database CPU per event). And, unless
    /// the connection string says otherwise, a connection returned to the pool is not reset: nothing here leaves
    /// session state behind (locks are transaction-scoped, no SET, no temporary tables), and the reset cost four
    /// statements per borrowed connection (BENCHMARKS.md, web form).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        if (!builder.ConnectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        return builder.Build();
    }

    public static async Task MigrateSipasDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<SipasDbContext>().Database;
        // EF reads its history table before creating it and logs that first read as an error; creating it the way
        // EF does keeps a first start's log free of a misleading failure.
        await database.ExecuteSqlRawAsync(
            "CREATE TABLE IF NOT EXISTS __ef_migrations_history (migration_id character varying(150) NOT NULL PRIMARY KEY, product_version character varying(32) NOT NULL)",
            ct);
        await database.MigrateAsync(ct);
    }
}
