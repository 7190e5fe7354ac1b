using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Bot.Staff;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Staff;

public sealed class AuditTrailTests
{
    [Theory]
    [InlineData("UPDATE audit_entries SET actor_name = 'someone else'")]
    [InlineData("DELETE FROM audit_entries")]
    [InlineData("TRUNCATE audit_entries")]
    public async Task TheDatabase_RefusesToRewriteTheAuditTrail_EvenToTheApplicationsOwnConnection(string rewrite)
    {
        await using var factory = await SipasFactory.StartAsync();
        using var client = await StaffSessions.ClientAsync(factory, StaffRole.Supervisor);
        await using var db = TestDatabase.Open(factory.ConnectionString);
        var before = await db.AuditEntries.CountAsync();
        Assert.True(before > 0, "signing in writes an entry");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(rewrite));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(before, await db.AuditEntries.CountAsync());
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.SignIn));
    }
}
