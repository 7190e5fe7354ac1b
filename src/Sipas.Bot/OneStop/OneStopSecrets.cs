using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Data;
using Sipas.Data.Privacy;

namespace Sipas.Bot.OneStop;

/// <summary>
/// The secrets each source may sign with: those configured (`OneStop:Sources:{code}:Secrets`) and those added with
/// `source add` / `source rotate`, which live encrypted in the database. The stored ones are held in memory, so
/// checking a signature never waits on the database; the copy is re-read in the background when it is older than
/// <see cref="RefreshAfter"/>, or after a second for a source it does not know, so a newly added source works
/// within about a second while unknown-source traffic costs at most one small query a second.
/// </summary>
public sealed class OneStopSecrets(
    IOptionsMonitor<OneStopOptions> options,
    IServiceScopeFactory scopes,
    PersonalDataProtector personalData,
    TimeProvider time,
    ILogger<OneStopSecrets> logger)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan UnknownSourceRefreshAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private StoredSecrets _stored = StoredSecrets.None;
    private int _refreshing;

    /// <summary>Every active secret of the source, configured ones first; empty for an unknown source.</summary>
    public IReadOnlyList<string> For(string source)
    {
        var stored = Volatile.Read(ref _stored);
        var secrets = new List<string>(2);
        if (options.CurrentValue.Sources.TryGetValue(source, out var configured))
        {
            secrets.AddRange(configured.Secrets.Where(s => !string.IsNullOrEmpty(s)));
        }

        if (stored.BySource.TryGetValue(source, out var added))
        {
            secrets.AddRange(added);
        }

        var age = time.GetUtcNow() - stored.ReadAt;
        if (age > RefreshAfter || (secrets.Count == 0 && age > UnknownSourceRefreshAfter))
        {
            RefreshInBackground();
        }

        return secrets;
    }

    /// <summary>Reads the stored secrets now; a failure keeps the previous copy and is logged.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        var readAt = time.GetUtcNow();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
            var rows = await db.OneStopSourceSecrets.AsNoTracking()
                .Where(s => s.RetiredAt == null)
                .OrderBy(s => s.CreatedAt)
                .Select(s => new { s.Source!.Code, s.SecretEncrypted })
                .ToListAsync(timeout.Token);
            var bySource = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                if (Decrypt(row.Code, row.SecretEncrypted) is { } secret)
                {
                    (bySource.TryGetValue(row.Code, out var list) ? list : bySource[row.Code] = []).Add(secret);
                }
            }

            Volatile.Write(ref _stored, new StoredSecrets(bySource.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), readAt));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Try again on a later request rather than at once; configured secrets keep working meanwhile.
            Volatile.Write(ref _stored, _stored with { ReadAt = readAt });
            logger.LogWarning("Reading the stored one-stop source secrets failed: {Error}", ex.GetType().Name + ": " + ex.Message);
        }
    }

    private void RefreshInBackground()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(CancellationToken.None);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    private string? Decrypt(string source, byte[] encrypted)
    {
        try
        {
            return personalData.Decrypt(encrypted);
        }
        catch (CryptographicException)
        {
            logger.LogError("A stored secret of source {Source} cannot be decrypted: was Sipas:PersonalDataKey changed? Add a new one with `source rotate {Source}`", source, source);
            return null;
        }
    }

    private sealed record StoredSecrets(FrozenDictionary<string, string[]> BySource, DateTimeOffset ReadAt)
    {
        public static readonly StoredSecrets None = new(FrozenDictionary<string, string[]>.Empty, DateTimeOffset.MinValue);
    }
}

/// <summary>Reads the stored secrets before the first request, so a source added while the service was down works at once.</summary>
internal sealed class OneStopSecretsWarmUp(OneStopSecrets secrets) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => secrets.RefreshAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class OneStopSourcesServiceCollectionExtensions
{
    /// <summary>Where the signature check finds each source's secrets: configuration and the database.</summary>
    public static IServiceCollection AddOneStopSources(this IServiceCollection services)
    {
        services.AddSingleton<OneStopSecrets>();
        services.AddHostedService<OneStopSecretsWarmUp>();
        return services;
    }
}
