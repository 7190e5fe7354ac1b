using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Staff;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Admin;

/// <summary>A signed-in client and its account's user name.</summary>
public sealed record SignedIn(HttpClient Client, string UserName);

/// <summary>
/// One in-process host per test class, with a province and two wards (A and B) under it. Tests make their own
/// accounts and, when they change something, their own units, so they do not see each other's changes.
/// </summary>
public sealed class AdminHost : IAsyncLifetime
{
    public SipasFactory Factory { get; private set; } = null!;

    public Unit Province { get; private set; } = null!;

    public Unit WardA { get; private set; } = null!;

    public Unit WardB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Every test signs in fresh accounts from the one in-process address.
        Factory = await SipasFactory.StartAsync(new Dictionary<string, string?> { ["Staff:SignInPermitsPerMinute"] = "10000" });
        await using var db = Db();
        var seed = new Seed(db);
        Province = await seed.UnitAsync("P01", "Tỉnh Thử Nghiệm");
        WardA = await seed.UnitAsync("WA", "Phường A", Province.Id);
        WardB = await seed.UnitAsync("WB", "Phường B", Province.Id);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public SipasDbContext Db() => TestDatabase.Open(Factory.ConnectionString);

    /// <summary>A new account with the role (and scope unit), signed in through the form.</summary>
    public async Task<SignedIn> SignInAsync(StaffRole role, string? unitCode = null)
    {
        var userName = $"{role.ToString().ToLowerInvariant()[..5]}-{Guid.NewGuid():N}"[..20];
        return new SignedIn(await StaffSessions.ClientAsync(Factory, role, unitCode, userName), userName);
    }

    /// <summary>A new unit of this test's own, under the given parent (the province by default).</summary>
    public async Task<Unit> NewUnitAsync(Guid? parentId = null)
    {
        await using var db = Db();
        return await new Seed(db).UnitAsync("U" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), "Xã Thử " + Guid.NewGuid().ToString("N")[..4], parentId ?? Province.Id);
    }

    /// <summary>Posts a staff form as the page would: the anti-forgery token from <paramref name="pagePath"/>, then the fields.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string postPath, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = await StaffSessions.AntiforgeryTokenAsync(client, pagePath);
        return await client.PostAsync(postPath, new FormUrlEncodedContent([new("af", token), .. fields]));
    }

    /// <summary>The audit entries with this action and target, oldest first.</summary>
    public async Task<List<AuditEntry>> AuditAsync(string action, string? target = null)
    {
        await using var db = Db();
        return await db.AuditEntries.Where(a => a.Action == action && (target == null || a.Target == target)).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>Asserts a 403 page and an access.denied entry whose target is the refused request.</summary>
    public async Task AssertDeniedAsync(HttpResponseMessage response, SignedIn staff, string method, string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Không có quyền truy cập", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var denied = await AuditAsync(AuditActions.AccessDenied);
        Assert.Contains(denied, a => a.ActorName == staff.UserName && a.Target is not null && a.Target.StartsWith($"{method} {path}", StringComparison.Ordinal));
    }

    public static JsonElement Json(string? text)
    {
        Assert.NotNull(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
