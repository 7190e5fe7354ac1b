using System.Diagnostics;
using System.Runtime.Versioning;
using Npgsql;
using Sipas.Data.Hosting;
using Sipas.Testing;

namespace Sipas.Data.Tests.Hosting;

/// <summary>Throwaway clusters must not outlive the test run that made them.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TestClustersTests
{
    [Fact]
    public async Task Sweep_StopsTheServerAndDeletesTheFolder_OfAClusterWhoseOwnerHasExited()
    {
        var folder = TestClusters.NewFolder();
        var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { DataDirectory = folder, Durable = false });
        await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), $"{await ExitedProcessIdAsync()} 1");

        TestClusters.SweepOrphans();

        Assert.False(Directory.Exists(folder));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Pooling = false, Timeout = 3 }.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
    }

    [Fact]
    public void Sweep_LeavesAClusterWhoseOwnerIsRunning()
    {
        var folder = TestClusters.NewFolder();
        try
        {
            TestClusters.SweepOrphans();

            Assert.True(Directory.Exists(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
