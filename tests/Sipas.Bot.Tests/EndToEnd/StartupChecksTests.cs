using Sipas.Testing;

namespace Sipas.Bot.Tests.EndToEnd;

/// <summary>What the real binary says and does at start about how it will reach citizens.</summary>
[Collection(ProcessTests.Name)]
public sealed class StartupChecksTests
{
    [Fact]
    public async Task WorkerWithNoChannelProvider_RefusesToStart_SayingWhatToConfigure()
    {
        var database = await TestPostgres.CreateDatabaseAsync("no_channel");
        await using var worker = ServiceProcess.Start(database, "worker", new Dictionary<string, string> { ["Channels__Simulator__Enabled"] = "false" });

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("No channel provider is enabled", worker.Output, StringComparison.Ordinal);
        Assert.Contains("Channels:Simulator:Enabled=true", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatorEnabledOutsideDevelopment_IsAWarningAtStart()
    {
        var database = await TestPostgres.CreateDatabaseAsync("sim_warning");
        await using var web = ServiceProcess.Start(database, "web");

        await web.WaitReadyAsync();

        Assert.Contains("warn: Sipas.Startup", web.Output, StringComparison.Ordinal);
        Assert.Contains("The simulated phone is enabled in the Production environment", web.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Survey__TimeZone", "Mars/Olympus", "Survey:TimeZone 'Mars/Olympus'")]
    [InlineData("Survey__AllowedWindow__End", "00:00", "Survey:AllowedWindow:End (00:00) must differ")]
    [InlineData("Survey__DelayAfterReturn", "-00:30:00", "Survey:DelayAfterReturn must be between")]
    public async Task MalformedSurveySetting_StopsTheStart_NamingTheKey(string variable, string value, string message)
    {
        var database = await TestPostgres.CreateDatabaseAsync("bad_survey");
        await using var worker = ServiceProcess.Start(database, "worker", new Dictionary<string, string> { [variable] = value });

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, worker.ExitCode);
        Assert.Contains(message, worker.Output, StringComparison.Ordinal);
    }
}
