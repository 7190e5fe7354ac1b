using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Npgsql;
using Sipas.Data.Hosting;
using Sipas.Testing;

namespace Sipas.Data.Tests.Hosting;

public sealed class PostgresClusterTests
{
    // Watched like the run's own cluster, so a killed test host leaves no server behind.
    private static string NewDataDirectory() => TestClusters.NewFolder();

    private static PostgresClusterOptions TestOptions(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, Ephemeral = true, Durable = false };

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        // Unpooled, so each call proves the server answers right now.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<int> DeadProcessIdAsync()
    {
        // Process reaps its own child, so unlike the stopped postmaster (reaped by init, maybe late) this id is gone at once.
        using var process = Process.Start("true");
        await process.WaitForExitAsync();
        return process.Id;
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task StartAsync_EphemeralCluster_AnswersSelectOneWithPrivatePassword()
    {
        var dataDirectory = NewDataDirectory();
        await using var cluster = await PostgresCluster.StartAsync(TestOptions(dataDirectory));

        Assert.Equal(1, await ScalarAsync(cluster.ConnectionString, "select 1"));
        Assert.InRange(cluster.Port, 1, 65535);
        Assert.True(File.Exists(Path.Combine(cluster.BinDirectory, "pg_ctl")));
        Assert.Contains("Host=127.0.0.1", cluster.ConnectionString, StringComparison.Ordinal);
        var passwordFile = Path.Combine(dataDirectory, "pg-password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        Assert.Equal(64, (await File.ReadAllTextAsync(passwordFile)).Trim().Length);
    }

    [Fact]
    public async Task StartAsync_CreatesTheNamedDatabase()
    {
        var options = TestOptions(NewDataDirectory()) with { Database = "Odd \"Name\"" };
        await using var cluster = await PostgresCluster.StartAsync(options);

        Assert.Equal("Odd \"Name\"", await ScalarAsync(cluster.ConnectionString, "select current_database()"));
        Assert.Equal("postgres", await ScalarAsync(cluster.ConnectionStringFor("postgres"), "select current_database()"));
    }

    [Fact]
    public async Task StopThenStartOnSameFolder_KeepsData()
    {
        // Durable as the service runs it.
        var options = new PostgresClusterOptions { DataDirectory = NewDataDirectory() };
        try
        {
            await using (var first = await PostgresCluster.StartAsync(options))
            {
                await ScalarAsync(first.ConnectionString, "create table kept (value text); insert into kept values ('still here')");
                await first.StopAsync();
            }

            await using var second = await PostgresCluster.StartAsync(options);
            Assert.Equal("still here", await ScalarAsync(second.ConnectionString, "select value from kept"));
        }
        finally
        {
            DeleteIfExists(options.DataDirectory);
        }
    }

    [Fact]
    public async Task StartAsync_OnFolderWithRunningServer_ReusesItAndDisposingTheReuserLeavesItRunning()
    {
        var options = TestOptions(NewDataDirectory());
        await using var first = await PostgresCluster.StartAsync(options);

        await using (var second = await PostgresCluster.StartAsync(options))
        {
            Assert.Equal(first.Port, second.Port);
            Assert.Equal(1, await ScalarAsync(second.ConnectionString, "select 1"));
        }

        Assert.True(Directory.Exists(options.DataDirectory));
        Assert.Equal(1, await ScalarAsync(first.ConnectionString, "select 1"));
    }

    [Fact]
    public async Task StartAsync_WithStalePostmasterPidOfDeadServer_StartsAnyway()
    {
        var options = TestOptions(NewDataDirectory());
        var pidFile = Path.Combine(options.DataDirectory, "pgdata", "postmaster.pid");
        await using (var first = await PostgresCluster.StartAsync(options with { Ephemeral = false }))
        {
            var lines = await File.ReadAllLinesAsync(pidFile);
            await first.StopAsync();
            // What a crash leaves behind: the lock file naming a process that no longer exists.
            lines[0] = (await DeadProcessIdAsync()).ToString(CultureInfo.InvariantCulture);
            await File.WriteAllLinesAsync(pidFile, lines);
        }

        await using var second = await PostgresCluster.StartAsync(options);
        Assert.Equal(1, await ScalarAsync(second.ConnectionString, "select 1"));
    }

    [Fact]
    public async Task DisposeAsync_Ephemeral_DeletesDataFolder()
    {
        var options = TestOptions(NewDataDirectory());
        var cluster = await PostgresCluster.StartAsync(options);
        Assert.True(File.Exists(Path.Combine(options.DataDirectory, "pgdata", "PG_VERSION")));

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(options.DataDirectory));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task StartAsync_AsRootWithFolderThePostgresUserCannotEnter_FailsNamingTheFolder()
    {
        if (Environment.UserName != "root")
        {
            return; // Only root hands the server to the postgres user.
        }
        var locked = NewDataDirectory();
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var options = TestOptions(Path.Combine(locked, "data"));

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresCluster.StartAsync(options));

            Assert.Contains($"'{locked}'", error.Message, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(locked));
        }
        finally
        {
            DeleteIfExists(locked);
        }
    }
}
