using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Sipas.Bot.Tests.Support;

/// <summary>A citizen's phone on the simulated channel, driven through its public JSON API.</summary>
public sealed class SimulatedPhone(HttpClient client, string phone)
{
    /// <summary>The phone number in national form (0912345678).</summary>
    public string Number => phone;

    public async Task<List<(string Direction, string Text)>> MessagesAsync()
    {
        var list = await client.GetFromJsonAsync<JsonArray>($"/api/v1/dev/messages?phone={Uri.EscapeDataString(phone)}");
        return [.. list!.Select(m => ((string)m!["direction"]!, (string)m["text"]!))];
    }

    public async Task<List<string>> SendAsync(string text, string? messageId = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/dev/messages", new { phone, text, messageId });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return [.. body!["replies"]!.AsArray().Select(r => (string)r!)];
    }
}
