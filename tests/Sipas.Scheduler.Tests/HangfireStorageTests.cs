using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Data;
using Sipas.Testing;

namespace Sipas.Scheduler.Tests;

public sealed class HangfireStorageTests
{
    [Fact]
    public async Task TwoHostsInOneProcess_EachKeepTheirOwnJobStorage_NotTheLastConfiguredOne()
    {
        var configuration = new ConfigurationBuilder().Build();
        await using var first = Host(await TestPostgres.CreateDatabaseAsync("storage_a"), configuration);
        await using var second = Host(await TestPostgres.CreateDatabaseAsync("storage_b"), configuration);

        // Configuring the second host sets Hangfire's static JobStorage.Current; the first must not pick it up.
        _ = second.GetRequiredService<IGlobalConfiguration>();
        var storages = (first.GetRequiredService<JobStorage>(), second.GetRequiredService<JobStorage>());
        _ = first.GetRequiredService<IGlobalConfiguration>();

        Assert.NotSame(storages.Item1, storages.Item2);
        Assert.Same(storages.Item1, first.GetRequiredService<JobStorage>());
        Assert.Same(storages.Item2, second.GetRequiredService<JobStorage>());
    }

    private static ServiceProvider Host(string connectionString, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddSipasData(connectionString, Seed.PersonalData);
        services.AddSipasScheduler(configuration, runJobServer: false);
        return services.BuildServiceProvider();
    }
}
