using System.Text.Json;

namespace Sipas.Bot.Http;

/// <summary>How enum values appear in the API: snake_case ("scheduled", "event_too_old").</summary>
public static class Names
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
