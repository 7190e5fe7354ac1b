using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Gives a one-stop source a new HMAC secret (32 random bytes, base64url), stored encrypted so the signature check can
/// recover it. Adding refuses a source that already has secrets; rotating keeps the newest stored one valid beside the
/// new one and retires older stored ones, so a source has at most two stored secrets while it switches over.
/// Configured secrets (`OneStop:Sources:{code}:Secrets`) are configuration's: they are counted, never changed.
/// </summary>
public sealed partial class AddSourceSecret(SipasDbContext db, PersonalDataProtector personalData, TimeProvider time)
{
    public async Task<SourceSecretOutcome> RunAsync(string code, bool rotate, int configuredSecrets, CancellationToken ct)
    {
        if (!CodePattern().IsMatch(code))
        {
            return new SourceSecretOutcome.Refused(
                $"'{code}' is not a valid source code: use 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var now = time.GetUtcNow();
        var existingId = await db.OneStopSources.Where(s => s.Code == code).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(ct);
        // Checked again under the lock below; this only keeps a refused command from leaving a new source row behind.
        if (existingId is null && Refusal(code, rotate, stored: 0, configuredSecrets) is { } early)
        {
            return early;
        }

        var sourceId = existingId ?? await AddSourceAsync(code, now, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Two operators adding a secret to the same source at once queue up here instead of both adding one.
        await db.Database.ExecuteSqlAsync($"SELECT id FROM one_stop_sources WHERE id = {sourceId} FOR UPDATE", ct);
        var active = await db.OneStopSourceSecrets
            .Where(s => s.SourceId == sourceId && s.RetiredAt == null)
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(ct);

        if (Refusal(code, rotate, active.Count, configuredSecrets) is { } refusal)
        {
            return refusal;
        }

        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var added = new OneStopSourceSecret { Id = Guid.CreateVersion7(), SourceId = sourceId, SecretEncrypted = personalData.Encrypt(secret), CreatedAt = now };
        db.OneStopSourceSecrets.Add(added);
        var kept = active.Take(1).ToList();
        var retired = active.Skip(1).ToList();
        foreach (var old in retired)
        {
            old.RetiredAt = now;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new SourceSecretOutcome.Added(
            sourceId, added.Id, secret,
            [.. kept.Select(s => new StoredSecret(s.Id, s.CreatedAt))],
            [.. retired.Select(s => new StoredSecret(s.Id, s.CreatedAt))]);
    }

    private static SourceSecretOutcome.Refused? Refusal(string code, bool rotate, int stored, int configured) => (rotate, stored + configured) switch
    {
        (false, > 0) => new($"Source {code} already has {Describe(stored, configured)}; use `source rotate {code}` to add another one."),
        (true, 0) => new($"Source {code} has no secret to rotate; use `source add {code}` first."),
        _ => null,
    };

    private async Task<Guid> AddSourceAsync(string code, DateTimeOffset now, CancellationToken ct)
    {
        db.OneStopSources.Add(new OneStopSource { Id = Guid.CreateVersion7(), Code = code, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Its first event arrived at the same moment: use the row the event created.
            db.ChangeTracker.Clear();
        }

        return await db.OneStopSources.Where(s => s.Code == code).Select(s => s.Id).SingleAsync(ct);
    }

    private static string Describe(int stored, int configured) => (stored, configured) switch
    {
        (> 0, > 0) => $"{stored} stored and {configured} configured secret(s)",
        (> 0, _) => $"{stored} stored secret(s)",
        _ => $"{configured} secret(s) configured in OneStop:Sources",
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex CodePattern();
}

public sealed record StoredSecret(Guid Id, DateTimeOffset CreatedAt);

public abstract record SourceSecretOutcome
{
    /// <param name="Secret">The new secret in clear: shown once to the operator, never again.</param>
    /// <param name="StillValid">Older stored secrets that stay valid beside the new one (rotation).</param>
    /// <param name="Retired">Older stored secrets no longer accepted.</param>
    public sealed record Added(Guid SourceId, Guid SecretId, string Secret, IReadOnlyList<StoredSecret> StillValid, IReadOnlyList<StoredSecret> Retired) : SourceSecretOutcome;

    public sealed record Refused(string Reason) : SourceSecretOutcome;
}
