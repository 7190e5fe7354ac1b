using Sipas.Data;

namespace Sipas.Testing;

public static class TestDatabase
{
    /// <summary>A context on a test database, for arranging rows and checking what the code under test stored.</summary>
    public static SipasDbContext Open(string connectionString)
    {
        var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<SipasDbContext>();
        SipasDbContextOptions.Configure(options, connectionString);
        return new SipasDbContext(options.Options);
    }
}
