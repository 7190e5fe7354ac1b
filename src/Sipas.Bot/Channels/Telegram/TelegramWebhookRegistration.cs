using Microsoft.Extensions.Options;
using Sipas.Bot.Conversations;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// Tells Telegram where to deliver updates (setWebhook, §3.1) when a web process starts: <c>{Sipas:PublicBaseUrl}/hooks/telegram</c>
/// with the secret and only the update kinds we handle. Telegram accepts only https, so nothing is registered for an
/// http base URL. A failure is logged, never fatal: the previous registration usually still stands.
/// </summary>
public sealed class TelegramWebhookRegistration(
    TelegramChannel telegram, IOptions<TelegramOptions> options, SurveyLinks links, ILogger<TelegramWebhookRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static IReadOnlyList<UpdateType> AllowedUpdates { get; } = [UpdateType.Message, UpdateType.CallbackQuery];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured || !settings.RegisterWebhook)
        {
            return;
        }

        if (links.PublicBaseUrl is not { } baseUrl || !baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning(
                "The Telegram webhook is not registered: Telegram delivers only to https, and Sipas:PublicBaseUrl is {BaseUrl}. Set it, or register {Path} by hand",
                links.PublicBaseUrl ?? "not set", TelegramWebhook.Path);
            return;
        }

        var url = baseUrl + TelegramWebhook.Path;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await telegram.Client().SetWebhook(url, allowedUpdates: AllowedUpdates, secretToken: settings.WebhookSecret, cancellationToken: timeout.Token);
            logger.LogInformation("Telegram webhook registered at {Url}", url);
        }
        catch (RequestException ex)
        {
            logger.LogError("Registering the Telegram webhook at {Url} failed; updates may not arrive: {Error}", url, ex.Message);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError("Registering the Telegram webhook at {Url} got no answer within {Seconds} s; updates may not arrive", url, CallTimeout.TotalSeconds);
        }
    }
}
