using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Sipas.Data.Diagnostics;
using Sipas.Data.Privacy;

namespace Sipas.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>One NpgsqlDataSource for the whole process, shared by EF Core and Hangfire.</summary>
    public static IServiceCollection AddSipasData(this IServiceCollection services, string connectionString, PersonalDataProtector personalData)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddDbContextPool<SipasDbContext>((provider, options) =>
            SipasDbContextOptions.Configure(options, provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(personalData);
        services.AddSingleton<Failpoints>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    public static async Task MigrateSipasDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SipasDbContext>().Database.MigrateAsync(ct);
    }
}
