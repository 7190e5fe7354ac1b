using System.Data;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>The OA's token pair as stored (encrypted) in <c>channel_provider_states</c>.</summary>
public sealed record ZaloTokens(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Zalo's OAuth v4 token pair (docs/channels.md §2.2), shared by the ZNS and OA providers and by every process. The
/// refresh token is single-use and rotates: a refresh that used it and lost the answer leaves us with nothing, and
/// two refreshers at once would invalidate each other. So every refresh holds the provider state row locked
/// (<c>SELECT … FOR UPDATE</c>) while it calls Zalo and stores the new pair in the same transaction before anyone
/// uses the new access token; a process that waited for the lock reads the fresh pair instead of refreshing again.
/// A refresh that fails pauses both providers: re-consent needs an OA admin.
/// </summary>
public sealed class ZaloTokenStore(
    NpgsqlDataSource dataSource,
    IHttpClientFactory httpClients,
    IOptions<ZaloOptions> options,
    PersonalDataProtector personalData,
    ProviderPauses pauses,
    TimeProvider time,
    ILogger<ZaloTokenStore> logger) : IDisposable
{
    /// <summary>The <c>channel_provider_states</c> row holding the pair (both providers share it).</summary>
    public const string StateRow = "zalo";

    /// <summary>The access token lives 25 h; it is renewed this long before it runs out, so a failed renewal leaves hours to fix it.</summary>
    public static readonly TimeSpan RenewAhead = TimeSpan.FromHours(5);

    /// <summary>A token this close to its end is not handed out: a send must not carry one that expires on the way.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(2);

    /// <summary>The refresh runs to its end whatever the caller's deadline: cut mid-call, the rotated pair would be lost.</summary>
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ZaloTokens? _cached;

    private enum Need
    {
        /// <summary>No valid token cached: use the stored one if it is valid, else refresh.</summary>
        AnyValid,

        /// <summary>Zalo refused the token we sent: refresh unless someone already replaced it.</summary>
        Replace,

        /// <summary>The recurring job: refresh when past the renewal time.</summary>
        RenewIfDue,
    }

    /// <summary>A valid access token, refreshed on demand; null when none can be had (the providers are paused then).</summary>
    public async Task<string?> AccessTokenAsync(CancellationToken ct) =>
        IsValid(_cached) ? _cached!.AccessToken : (await RenewAsync(Need.AnyValid, rejected: null, ct))?.AccessToken;

    /// <summary>Zalo refused <paramref name="rejected"/> (-124, -216, -220): one refresh, unless another caller has already replaced it.</summary>
    public Task<ZaloTokens?> ReplaceAsync(string rejected, CancellationToken ct) => RenewAsync(Need.Replace, rejected, ct);

    /// <summary>Refreshes ahead of expiry when the stored pair is past its renewal time (the recurring job).</summary>
    public Task<ZaloTokens?> RenewIfDueAsync(CancellationToken ct) => RenewAsync(Need.RenewIfDue, rejected: null, ct);

    public void Dispose() => _gate.Dispose();

    private bool IsValid(ZaloTokens? tokens) => tokens is not null && tokens.ExpiresAt > time.GetUtcNow() + Margin;

    private async Task<ZaloTokens?> RenewAsync(Need need, string? rejected, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        // Once the lock is held the work finishes on its own clock; the caller may stop waiting for it.
        var work = RenewHoldingGateAsync(need, rejected);
        return await work.WaitAsync(ct);
    }

    private async Task<ZaloTokens?> RenewHoldingGateAsync(Need need, string? rejected)
    {
        try
        {
            // A caller of this process that waited may find the pair another one just stored.
            if (need != Need.RenewIfDue && IsValid(_cached) && _cached!.AccessToken != rejected)
            {
                return _cached;
            }

            using var timeout = new CancellationTokenSource(RefreshTimeout);
            return await RenewLockedAsync(need, rejected, timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Renewing the Zalo access token failed");
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ZaloTokens?> RenewLockedAsync(Need need, string? rejected, CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await ExecuteAsync(connection, tx, "INSERT INTO channel_provider_states (provider, updated_at) VALUES (@provider, @now) ON CONFLICT (provider) DO NOTHING", now, ct);

        ZaloTokens? stored = null;
        DateTimeOffset? renewAt = null;
        await using (var select = new NpgsqlCommand("SELECT credentials_encrypted, credentials_renew_at FROM channel_provider_states WHERE provider = @provider FOR UPDATE", connection, tx))
        {
            select.Parameters.AddWithValue("provider", StateRow);
            await using var reader = await select.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                stored = reader.IsDBNull(0) ? null : Read(reader.GetFieldValue<byte[]>(0));
                renewAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var storedIsEnough = IsValid(stored) && need switch
        {
            Need.AnyValid => true,
            Need.Replace => stored!.AccessToken != rejected,
            _ => renewAt is { } due && now < due,
        };
        if (storedIsEnough)
        {
            await tx.CommitAsync(ct);
            _cached = stored;
            return stored;
        }

        var refreshToken = stored?.RefreshToken ?? settings.InitialRefreshToken;
        if (string.IsNullOrWhiteSpace(refreshToken))
        {
            await tx.RollbackAsync(ct);
            await FailAsync("No Zalo refresh token: set Channels:Zalo:InitialRefreshToken to one an OA admin minted.");
            return null;
        }

        // The one provider call made inside a transaction, on purpose: the lock must cover the rotation of a single-use token.
        var (fresh, error) = await RefreshAsync(settings, refreshToken, now, ct);
        if (fresh is null)
        {
            await tx.RollbackAsync(CancellationToken.None);
            await FailAsync(error!);
            return null;
        }

        var renewal = fresh.ExpiresAt - now > RenewAhead * 2 ? fresh.ExpiresAt - RenewAhead : now + (fresh.ExpiresAt - now) / 2;
        await using (var update = new NpgsqlCommand(
            "UPDATE channel_provider_states SET credentials_encrypted = @credentials, credentials_renew_at = @renew, updated_at = @now WHERE provider = @provider", connection, tx))
        {
            update.Parameters.AddWithValue("provider", StateRow);
            update.Parameters.AddWithValue("credentials", personalData.Encrypt(JsonSerializer.Serialize(fresh, Json)));
            update.Parameters.AddWithValue("renew", renewal);
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await tx.CommitAsync(CancellationToken.None);
        _cached = fresh;
        logger.LogInformation("Zalo access token refreshed; valid until {ExpiresAt:O}, renewed from {RenewAt:O}", fresh.ExpiresAt, renewal);
        return fresh;
    }

    private async Task<(ZaloTokens? Tokens, string? Error)> RefreshAsync(ZaloOptions settings, string refreshToken, DateTimeOffset now, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.OAuthBaseUrl.TrimEnd('/')}/v4/oa/access_token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("refresh_token", refreshToken),
                new("app_id", settings.AppId ?? ""),
                new("grant_type", "refresh_token"),
            ]),
        };
        request.Headers.TryAddWithoutValidation("secret_key", settings.AppSecret);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(ZaloApi.HttpClientName).SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return (null, $"Zalo token endpoint failed: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var access = ZaloApi.ReadString(root, "access_token");
                var refresh = ZaloApi.ReadString(root, "refresh_token");
                // expires_in arrives as a string ("90000"); a number is taken too.
                var expiresIn = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("expires_in", out var e) ? ZaloApi.ReadLong(e) : null;
                if (response.IsSuccessStatusCode && !string.IsNullOrEmpty(access) && !string.IsNullOrEmpty(refresh) && expiresIn > 0)
                {
                    return (new ZaloTokens(access, refresh, now + TimeSpan.FromSeconds(expiresIn.Value)), null);
                }
            }
            catch (JsonException)
            {
            }

            var answer = ZaloApi.Read(response.StatusCode, body);
            return (null, answer.Describe("token refresh"));
        }
    }

    /// <summary>Both providers stop until an operator re-authorises the OA: every send would fail alike.</summary>
    private async Task FailAsync(string error)
    {
        logger.LogCritical(
            "The Zalo access token could not be refreshed; the zalo-zns and zalo-oa providers are paused. An OA admin must authorise the app again and "
            + "the new refresh token be set as Channels:Zalo:InitialRefreshToken (after clearing the stored pair). {Error}",
            error);
        _cached = null;
        await pauses.PauseAsync(ZaloZnsChannel.ProviderName, error, CancellationToken.None);
        await pauses.PauseAsync(ZaloOaChannel.ProviderName, error, CancellationToken.None);
    }

    private ZaloTokens? Read(byte[] encrypted)
    {
        try
        {
            return JsonSerializer.Deserialize<ZaloTokens>(personalData.Decrypt(encrypted), Json);
        }
        catch (Exception ex) when (ex is JsonException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogError(ex, "The stored Zalo token pair cannot be read");
            return null;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue("provider", StateRow);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(ct);
    }
}
