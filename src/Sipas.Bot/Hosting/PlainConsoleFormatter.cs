using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Sipas.Bot.Hosting;

/// <summary>
/// The simple console format on one line ("09:15:00 info: Category[0] message => scope exception"), with every
/// part that can carry outside text escaped by <see cref="LogText"/>, so one entry is always exactly one line.
/// </summary>
public sealed class PlainConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "sipas-plain";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var settings = options.CurrentValue;
        var line = new StringBuilder();
        if (settings.TimestampFormat is { } format)
        {
            var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            line.Append(now.ToString(format, CultureInfo.InvariantCulture));
        }

        line.Append(Level(logEntry.LogLevel)).Append(": ");
        LogText.AppendEscaped(line, logEntry.Category);
        line.Append('[').Append(logEntry.EventId.Id).Append("] ");
        LogText.AppendEscaped(line, message);
        if (settings.IncludeScopes)
        {
            scopeProvider?.ForEachScope(
                (scope, builder) =>
                {
                    builder.Append(" => ");
                    LogText.AppendEscaped(builder, Convert.ToString(scope, CultureInfo.InvariantCulture));
                },
                line);
        }

        if (logEntry.Exception is { } exception)
        {
            line.Append(' ');
            LogText.AppendEscaped(line, exception.ToString());
        }

        textWriter.Write(line.Append(Environment.NewLine));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
