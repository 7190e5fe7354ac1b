using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Bot.Channels;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>The shared rate limit: senders in separate processes (here, separate data sources) reserve slots from one schedule.</summary>
public sealed class RateLimiterTests
{
    [Fact]
    public async Task TwoProcesses_SendingAtOnce_GetSlotsNoCloserThanTheLimitAllows()
    {
        var connectionString = await MigratedDatabaseAsync();
        const double perSecond = 50;
        var options = Options.Create(new ChannelOptions { RateLimits = { ["twilio"] = perSecond } });
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);
        var limiters = new[] { new RateLimiter(first, options, TimeProvider.System), new RateLimiter(second, options, TimeProvider.System) };

        var slots = await Task.WhenAll(Enumerable.Range(0, 40).Select(n => limiters[n % 2].ReserveAsync("twilio", CancellationToken.None)));

        var starts = slots.Select(slot => slot!.StartsAt).Order().ToList();
        var interval = TimeSpan.FromSeconds(1 / (perSecond * RateLimiter.Headroom));
        var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= interval - TimeSpan.FromMilliseconds(0.01), $"slots {gap.TotalMilliseconds} ms apart, limit {interval.TotalMilliseconds} ms"));
        Assert.True(starts[^1] - starts[0] >= interval * 39 - TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ProviderWithoutALimit_ReservesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await MigratedDatabaseAsync());
        var limiter = new RateLimiter(dataSource, Options.Create(new ChannelOptions { RateLimits = { ["telegram"] = 25 } }), TimeProvider.System);

        Assert.Null(await limiter.ReserveAsync("twilio", CancellationToken.None));
        Assert.NotNull(await limiter.ReserveAsync("telegram", CancellationToken.None));
    }

    [Fact]
    public void NegativeRate_IsRefusedAtStart()
    {
        var options = new ChannelOptions { RateLimits = { ["twilio"] = -1 } };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Channels:RateLimits:twilio", StringComparison.Ordinal));
    }

    /// <summary>A database with the schema, as every test database is made from the migrated template.</summary>
    private static Task<string> MigratedDatabaseAsync() => TestPostgres.CreateDatabaseAsync("ratelimit");
}
