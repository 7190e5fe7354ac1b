using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Sipas.Bot.Hosting;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Operations;

[Collection(ProcessTests.Name)]
public sealed class MigrationTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("true", false, true)]
    [InlineData("false", true, false)]
    public void MigrateOnStart_DefaultsToOnForTheEmbeddedDatabase_OffForAConfiguredOne(string? setting, bool embedded, bool migrates)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DatabaseSchema.MigrateOnStartKey] = setting }).Build();
        Assert.Equal(migrates, DatabaseSchema.MigratesOnStart(configuration, embedded));
    }

    [Fact]
    public async Task PendingMigrations_WithMigrateOnStartOff_StopTheService_UntilTheMigrateCommandAppliesThem()
    {
        var connectionString = await TestPostgres.CreateEmptyDatabaseAsync();
        var off = new Dictionary<string, string> { ["Sipas__MigrateOnStart"] = "false" };

        await using (var refused = ServiceProcess.Start(connectionString, "web", off))
        {
            await refused.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("Sipas:MigrateOnStart is false", refused.Output, StringComparison.Ordinal);
            Assert.Contains("-- migrate", refused.Output, StringComparison.Ordinal);
        }

        var migrate = await CommandRunner.RunAsync(connectionString, ["migrate"]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        List<string> migrations;
        await using (var db = TestDatabase.Open(connectionString))
        {
            migrations = [.. db.Database.GetMigrations()];
        }

        Assert.Contains($"Applied {migrations.Count} migration(s)", migrate.Output, StringComparison.Ordinal);
        Assert.All(migrations, name => Assert.Contains(name, migrate.Output, StringComparison.Ordinal));

        var again = await CommandRunner.RunAsync(connectionString, ["migrate"]);
        Assert.Contains("is up to date: no migration to apply", again.Output, StringComparison.Ordinal);

        await using var started = ServiceProcess.Start(connectionString, "web", off);
        await started.WaitReadyAsync(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Migrate_DoesNotNeedThePersonalDataKey()
    {
        var connectionString = await TestPostgres.CreateEmptyDatabaseAsync();

        var migrate = await CommandRunner.RunAsync(connectionString, ["migrate"], new Dictionary<string, string?> { ["Sipas:PersonalDataKey"] = null });

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
    }

    [Fact]
    public async Task Commands_OnASchemaThatIsBehind_RefuseAndNameMigrate_UnlessAllowedToMigrate()
    {
        var connectionString = await TestPostgres.CreateEmptyDatabaseAsync();
        var csv = CommandRunner.CsvFile("procedures.csv", "code,name\n1.001193,Đăng ký khai sinh\n");

        var refused = await CommandRunner.RunAsync(connectionString, ["import-procedures", csv]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("dotnet run --project src/Sipas.Bot -- migrate", refused.Error, StringComparison.Ordinal);

        var allowed = await CommandRunner.RunAsync(connectionString, ["import-procedures", csv], new Dictionary<string, string?> { [DatabaseSchema.MigrateOnStartKey] = "true" });
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        await using (var db = TestDatabase.Open(connectionString))
        {
            Assert.Contains($"Applied {db.Database.GetMigrations().Count()} pending migration(s) first", allowed.Output, StringComparison.Ordinal);
        }

        Assert.Contains("1 inserted", allowed.Output, StringComparison.Ordinal);
    }
}
