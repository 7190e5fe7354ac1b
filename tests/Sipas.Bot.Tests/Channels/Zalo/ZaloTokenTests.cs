using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Zalo;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels.Zalo;

/// <summary>
/// The shared, single-use Zalo refresh token: refreshers in different processes (here: separate token store
/// instances, which share nothing but the database) must call Zalo once and agree on the new pair.
/// </summary>
public sealed class ZaloTokenTests : IAsyncLifetime
{
    private FakeZalo _zalo = null!;
    private SipasFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _zalo = await FakeZalo.StartAsync();
        _factory = await SipasFactory.StartAsync(_zalo.ServiceSettings().ToDictionary(p => p.Key, p => (string?)p.Value));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _zalo.DisposeAsync();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    /// <summary>A token store as another process has it: its own cache and lock, the same database.</summary>
    private ZaloTokenStore NewProcessStore() => ActivatorUtilities.CreateInstance<ZaloTokenStore>(_factory.Services);

    /// <summary>No pair stored and Zalo back at the first refresh token: as on the first start.</summary>
    private async Task StartFreshAsync()
    {
        await using var db = Db();
        await db.ChannelProviderStates.Where(p => p.Provider == ZaloTokenStore.StateRow).ExecuteDeleteAsync();
        _zalo.ResetTokens();
        _refusedBefore = _zalo.RefusedRefreshes;
    }

    private int _refusedBefore;

    [Fact]
    public async Task TwoProcessesNeedingAToken_AtOnce_MakeOneRefreshCall_AndGetTheSameToken()
    {
        await StartFreshAsync();
        _zalo.RefreshDelay = TimeSpan.FromMilliseconds(500);
        using var first = NewProcessStore();
        using var second = NewProcessStore();
        var callsBefore = _zalo.RefreshCalls;

        var tokens = await Task.WhenAll(
            Task.Run(() => first.AccessTokenAsync(CancellationToken.None)),
            Task.Run(() => second.AccessTokenAsync(CancellationToken.None)));

        Assert.Equal(callsBefore + 1, _zalo.RefreshCalls);
        Assert.Equal(_refusedBefore, _zalo.RefusedRefreshes);
        Assert.NotNull(tokens[0]);
        Assert.Equal(tokens[0], tokens[1]);
        Assert.Equal($"at-{_zalo.Refreshes}", tokens[0]);
        await using var db = Db();
        var state = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == ZaloTokenStore.StateRow);
        Assert.NotNull(state.CredentialsEncrypted);
        Assert.DoesNotContain("rt-", System.Text.Encoding.UTF8.GetString(state.CredentialsEncrypted!), StringComparison.Ordinal);
        Assert.InRange(state.CredentialsRenewAt!.Value, DateTimeOffset.UtcNow.AddHours(19.9), DateTimeOffset.UtcNow.AddHours(20.1));
    }

    [Fact]
    public async Task TwoProcessesWhoseTokenWasRejected_AtOnce_ReplaceItOnce()
    {
        await StartFreshAsync();
        using var seeding = NewProcessStore();
        var rejected = await seeding.AccessTokenAsync(CancellationToken.None);
        _zalo.RefreshDelay = TimeSpan.FromMilliseconds(500);
        using var first = NewProcessStore();
        using var second = NewProcessStore();
        var issuedBefore = _zalo.Refreshes;

        var replaced = await Task.WhenAll(
            Task.Run(() => first.ReplaceAsync(rejected!, CancellationToken.None)),
            Task.Run(() => second.ReplaceAsync(rejected!, CancellationToken.None)));

        Assert.Equal(issuedBefore + 1, _zalo.Refreshes);
        Assert.Equal(_refusedBefore, _zalo.RefusedRefreshes);
        Assert.Equal(replaced[0]!.AccessToken, replaced[1]!.AccessToken);
        Assert.NotEqual(rejected, replaced[0]!.AccessToken);
    }

    [Fact]
    public async Task StoredPair_IsUsedAfterARestart_WithoutRefreshing()
    {
        await StartFreshAsync();
        using var before = NewProcessStore();
        var token = await before.AccessTokenAsync(CancellationToken.None);
        var calls = _zalo.RefreshCalls;

        using var afterRestart = NewProcessStore();
        Assert.Equal(token, await afterRestart.AccessTokenAsync(CancellationToken.None));
        Assert.Equal(token, (await afterRestart.RenewIfDueAsync(CancellationToken.None))!.AccessToken);
        Assert.Equal(calls, _zalo.RefreshCalls);
    }

    [Fact]
    public async Task RenewalJob_PastTheRenewalTime_RefreshesAndRotatesTheRefreshToken()
    {
        await StartFreshAsync();
        using var store = NewProcessStore();
        var old = await store.AccessTokenAsync(CancellationToken.None);
        await using (var db = Db())
        {
            await db.ChannelProviderStates.Where(p => p.Provider == ZaloTokenStore.StateRow)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CredentialsRenewAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ZaloTokenRefreshJob>().RunAsync(CancellationToken.None);
        }

        using var later = NewProcessStore();
        var renewed = await later.AccessTokenAsync(CancellationToken.None);
        Assert.NotEqual(old, renewed);
        Assert.Equal($"at-{_zalo.Refreshes}", renewed);
        Assert.Equal(_refusedBefore, _zalo.RefusedRefreshes);
    }

    [Fact]
    public async Task FailedRefresh_PausesBothZaloProviders_WithZalosError()
    {
        await StartFreshAsync();
        _zalo.FailNextRefresh();
        using var store = NewProcessStore();
        var pauses = _factory.Services.GetRequiredService<ProviderPauses>();
        try
        {
            Assert.Null(await store.AccessTokenAsync(CancellationToken.None));

            Assert.NotNull(await pauses.PausedUntilAsync(ZaloZnsChannel.ProviderName, CancellationToken.None));
            Assert.NotNull(await pauses.PausedUntilAsync(ZaloOaChannel.ProviderName, CancellationToken.None));
            await using var db = Db();
            var state = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == ZaloOaChannel.ProviderName);
            Assert.Contains("-14014", state.PauseReason, StringComparison.Ordinal);
        }
        finally
        {
            await pauses.ResumeAsync(ZaloZnsChannel.ProviderName, CancellationToken.None);
            await pauses.ResumeAsync(ZaloOaChannel.ProviderName, CancellationToken.None);
        }
    }
}
