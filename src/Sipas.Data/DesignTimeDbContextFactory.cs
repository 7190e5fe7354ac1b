using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Sipas.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without a database or the web host.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SipasDbContext>
{
    public SipasDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SipasDbContext>();
        SipasDbContextOptions.Configure(options, "Host=localhost;Database=sipas_design");
        return new SipasDbContext(options.Options);
    }
}
