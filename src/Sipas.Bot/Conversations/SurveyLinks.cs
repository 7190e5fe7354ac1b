namespace Sipas.Bot.Conversations;

/// <summary>
/// The links an invitation carries: the short web-form link <c>{Sipas:PublicBaseUrl}/s/{code}</c>, and the Telegram
/// deep link <c>https://t.me/{Channels:Telegram:BotUsername}?start={code}</c> when a bot is configured.
/// </summary>
public sealed class SurveyLinks(IConfiguration configuration, IHostEnvironment environment)
{
    public const string PublicBaseUrlKey = "Sipas:PublicBaseUrl";

    /// <summary>Where citizens reach this service; in Development the local address `dotnet run` listens on.</summary>
    public string? PublicBaseUrl { get; } =
        configuration[PublicBaseUrlKey]?.TrimEnd('/') is { Length: > 0 } configured ? configured
        : environment.IsDevelopment() ? "http://localhost:5080"
        : null;

    private readonly string? _telegramBot = configuration["Channels:Telegram:BotUsername"]?.TrimStart('@') is { Length: > 0 } bot ? bot : null;

    public string? WebForm(string code) => PublicBaseUrl is null ? null : $"{PublicBaseUrl}/s/{code}";

    public string? Telegram(string code) => _telegramBot is null ? null : $"https://t.me/{_telegramBot}?start={code}";
}
