using System.Security.Claims;
using System.Text.Json;
using Sipas.Bot.Http;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>The stable names of audited actions (<see cref="AuditEntry.Action"/>).</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in.failed";
    public const string SignInLockedOut = "sign-in.locked-out";
    public const string SignInRefused = "sign-in.refused";
    public const string SignOut = "sign-out";
    public const string PasswordChanged = "password.change";
    public const string TwoFactorEnabled = "two-factor.enable";
    public const string TwoFactorDisabled = "two-factor.disable";
    public const string AccessDenied = "access.denied";
    public const string StaffCreated = "staff.create";
    public const string StaffUpdated = "staff.update";
    public const string StaffDisabled = "staff.disable";
    public const string StaffEnabled = "staff.enable";
    public const string StaffPasswordReset = "staff.password-reset";
    public const string UnitSettingsUpdated = "unit-settings.update";
    public const string HolidaysUpdated = "holidays.update";
    public const string DashboardCommand = "dashboard.command";
}

/// <summary>
/// Appends staff actions to the audit trail: who (the signed-in user, or the name a failed sign-in tried), when, what,
/// on what, the state before and after, and from which address. Entries are only ever added.
/// </summary>
public sealed class AuditTrail(SipasDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an entry to the context, so the caller's SaveChanges commits it with the change it describes.</summary>
    public AuditEntry Stage(string action, string? target, Guid? unitId = null, object? before = null, object? after = null, string? actorName = null)
    {
        var user = http.HttpContext?.User ?? new ClaimsPrincipal();
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorId = user.Id(),
            ActorName = Storable(actorName ?? user.Identity?.Name ?? "", 256),
            Action = action,
            Target = target is null ? null : Storable(target, 300),
            UnitId = unitId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Text an attacker may have typed (a failed sign-in's user name, a path) as it can be stored and shown: control
    /// characters and lone surrogates become U+FFFD (PostgreSQL cannot store NUL; CR/LF would forge lines), cut to fit.
    /// </summary>
    private static string Storable(string text, int maxLength)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsSurrogate(chars[i]) || ExternalText.IsForbidden(chars[i], TextShape.Line))
            {
                chars[i] = '\uFFFD';
            }
        }

        return StoredText.Cut(new string(chars), maxLength);
    }

    /// <summary>Appends an entry on its own.</summary>
    public async Task RecordAsync(string action, string? target, CancellationToken ct, Guid? unitId = null, object? before = null, object? after = null, string? actorName = null)
    {
        Stage(action, target, unitId, before, after, actorName);
        await db.SaveChangesAsync(ct);
    }
}
