using System.Diagnostics;
using Sipas.Bot.Cli;
using Sipas.Bot.Tests.EndToEnd;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var result = await CommandRunner.RunAsync("Host=unused", ["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in SipasCli.CommandNames)
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KnownCommandNames_AreExactlyTheCommandsOfTheCommandLine()
    {
        var root = SipasCli.Root(CliHost.Create());
        Assert.Equal(root.Subcommands.Select(c => c.Name).Order(), SipasCli.CommandNames.Order());
    }

    [Theory]
    [InlineData(new[] { "migrate" }, true)]
    [InlineData(new[] { "source", "list" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5099" }, false)]
    [InlineData(new[] { "Sipas:Role=web" }, false)]
    public void OnlyACommandOrHelp_KeepsTheServiceFromStarting(string[] args, bool handled) => Assert.Equal(handled, SipasCli.Handles(args));

    [Fact]
    public async Task RealBinary_HelpExitsZero_AndBadInputExitsNonZeroWithAMessage()
    {
        var help = await RunBinaryAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("import-units", help.Output, StringComparison.Ordinal);

        var missing = await RunBinaryAsync("import-units", "/no/such/units.csv");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("/no/such/units.csv", missing.Error, StringComparison.Ordinal);

        var badSource = await RunBinaryAsync("send-sample-event", "--url", "not a url");
        Assert.NotEqual(0, badSource.ExitCode);
        Assert.Contains("--url must be an absolute http or https address", badSource.Error, StringComparison.Ordinal);
    }

    private static async Task<CommandResult> RunBinaryAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServiceProcess.BotAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CommandResult(process.ExitCode, await output, await error);
    }
}
