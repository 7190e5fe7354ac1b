using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>
/// What a message says, before a provider is chosen: its purpose, its text, the answers offered as buttons, and the
/// template model it was rendered from (for providers that send registered templates with parameters).
/// </summary>
public sealed record MessageContent(
    MessagePurpose Purpose,
    string Text,
    IReadOnlyList<MessageChoice>? Choices = null,
    IReadOnlyDictionary<string, string>? Data = null);
