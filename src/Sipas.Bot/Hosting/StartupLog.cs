using Microsoft.Extensions.Logging.Console;
using Sipas.Bot.Channels.Simulator;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Hosting;

public static class StartupLog
{
    /// <summary>Plain console lines for a person at a terminal (control characters escaped, one entry per line); `Logging:Format=json` gives one JSON object per line for collectors.</summary>
    public static ILoggingBuilder AddSipasLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o => o.TimestampFormat = "O");
        }
        else
        {
            logging.AddConsole(o => o.FormatterName = PlainConsoleFormatter.FormatterName)
                .AddConsoleFormatter<PlainConsoleFormatter, ConsoleFormatterOptions>(o => o.TimestampFormat = "HH:mm:ss ");
        }

        return logging;
    }

    public static void LogStartup(this WebApplication app, SipasRole role, SipasDatabase database)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sipas.Startup");
        var window = app.Services.GetRequiredService<SendWindow>();
        logger.LogInformation("Sipas starting as role {Role} on {Database} database", role.Name, database.IsEmbedded ? "the embedded" : "the configured");
        if (window.IsWiderThanDefault)
        {
            logger.LogWarning(
                "Invitations may be sent {Window}: wider than 07:00–21:00 (Zalo refuses template messages 22:00–06:00; advertising SMS is allowed only 07:00–22:00)",
                window.Describe());
        }
        else
        {
            logger.LogInformation("Invitations are sent {Window}", window.Describe());
        }

        if (role.ServesWeb && app.Services.GetRequiredService<SimulatorChannel>().IsEnabled)
        {
            app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
                "Simulated channel on: open {Urls}/dev/phone to answer as a citizen; send a sample event with scripts/send-sample-event",
                string.Join(", ", app.Urls)));
        }
    }
}
