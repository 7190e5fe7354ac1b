using Microsoft.EntityFrameworkCore;
using Sipas.Data;

namespace Sipas.Testing;

/// <summary>An xunit class fixture: a fresh migrated database for one test class.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public SipasDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<SipasDbContext>();
        SipasDbContextOptions.Configure(options, ConnectionString);
        return new SipasDbContext(options.Options);
    }
}
