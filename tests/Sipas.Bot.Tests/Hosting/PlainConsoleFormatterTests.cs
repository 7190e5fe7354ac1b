using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Sipas.Bot.Hosting;

namespace Sipas.Bot.Tests.Hosting;

/// <summary>Log forging: a value from outside with CR/LF in it must not start a second line, in the plain or the JSON console format.</summary>
public sealed class PlainConsoleFormatterTests
{
    private const string Forged = "igate\r\n09:15:00 info: Sipas.Admin[0] administrator signed in";

    /// <summary>The formatter the service registers for its plain console, fed through a real logger with message templates and scopes.</summary>
    private static string Log(Action<ILogger> write, bool includeScopes = true, string? format = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSipasLogging(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Format"] = format }).Build()));
        services.Configure<ConsoleFormatterOptions>(o => o.IncludeScopes = includeScopes);
        using var provider = services.BuildServiceProvider();
        var name = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleLoggerOptions>>().Value.FormatterName;
        Assert.Equal(format == "json" ? ConsoleFormatterNames.Json : PlainConsoleFormatter.FormatterName, name);
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        var output = new StringWriter();
        var scopes = new LoggerExternalScopeProvider();
        write(new FormatterLogger(formatter, scopes, output));
        return output.ToString();
    }

    [Fact]
    public void ValueWithCrLf_IsEscaped_AndTheEntryStaysOneLine()
    {
        var output = Log(logger => logger.LogInformation("One-stop event from source {Source} refused: {Reason}", Forged, "Unknown source."));

        Assert.Single(output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("igate\\r\\n09:15:00 info: Sipas.Admin[0] administrator signed in", output, StringComparison.Ordinal);
        Assert.Contains(" info: Sipas.Test[0] One-stop event from source ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ScopesExceptionsAndOtherLineBreakers_AreEscapedToo()
    {
        var output = Log(logger =>
        {
            using (logger.BeginScope("request {Path}", "/x\n/y"))
            {
                logger.LogError(new InvalidOperationException("first\nsecond"), "Dossier {Code} failed", "a\u2028b\u0085c\u001B[2J\u202Eevil\u000Bd\u000Ce\uD800");
            }
        });

        Assert.Single(output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(output.TrimEnd('\n', '\r'), c => c is '\r' or '\n' or '\u2028' or '\u2029' or '\u0085' or '\u000B' or '\u000C' or '\u001B' or '\u202E' || char.IsSurrogate(c));
        Assert.Contains("=> request /x\\n/y", output, StringComparison.Ordinal);
        Assert.Contains("a\\u2028b\\u0085c\\u001B[2J\\u202Eevil\\u000Bd\\u000Ce\\uD800", output, StringComparison.Ordinal);
        Assert.Contains("first\\nsecond", output, StringComparison.Ordinal);
        Assert.Contains("fail: Sipas.Test[0]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryVietnameseText_IsWrittenAsItIs()
    {
        var output = Log(logger => logger.LogInformation("Thanks sent to {Unit}\t(tab kept)", "UBND phường Hoàn Kiếm 😀"));
        Assert.Contains("Thanks sent to UBND phường Hoàn Kiếm 😀\t(tab kept)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonFormat_WritesOneValidJsonLine_WithTheValueIntact()
    {
        var value = Forged + "\u202E\u0000\uD800";
        var output = Log(logger => logger.LogInformation("Refused source {Source}", value), format: "json");

        Assert.Single(output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        var entry = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal(Forged + "\u202E\u0000\uFFFD", (string)entry["State"]!["Source"]!);
    }

    /// <summary>Hands every entry to the formatter, as the console logger does.</summary>
    private sealed class FormatterLogger(ConsoleFormatter formatter, IExternalScopeProvider scopes, TextWriter output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format) =>
            formatter.Write(new LogEntry<TState>(logLevel, "Sipas.Test", eventId, state, exception, format), scopes, output);
    }
}
