using System.Text.Json.Nodes;

namespace Sipas.Bot.Tests.Support;

/// <summary>
/// Test data kept beside the tests that use it (e.g. <c>OneStop/TestData/</c>), copied into the output folder at
/// build time. Nothing is read from outside the repository.
/// </summary>
public static class Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    /// <summary>A fresh Vietnamese mobile number in national form; 091 is a VinaPhone prefix, so every number under it is valid.</summary>
    public static string NewPhone() => "091" + Random.Shared.Next(1_000_000, 9_999_999);

    /// <summary>A national-form number (0912345678) as Sipas stores it (+84912345678).</summary>
    public static string E164(string phone) => "+84" + phone[1..];

    /// <summary>The sample event with fresh ids and a return time relative to now, so it is neither a repeat nor too old.</summary>
    public static JsonObject ResultReturned(TimeSpan? returnedAgo = null, string? phone = null)
    {
        var ev = JsonNode.Parse(Text("OneStop/result-returned.json"))!.AsObject();
        var id = Guid.NewGuid().ToString("N")[..12];
        ev["eventId"] = "igate-test-" + id;
        ev["dossier"]!["code"] = "000.00.70.H26-TEST-" + id;
        ev["dossier"]!["returnedAt"] = DateTimeOffset.UtcNow.Subtract(returnedAgo ?? TimeSpan.FromMinutes(1)).ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");
        if (phone is not null)
        {
            ev["citizen"]!["phone"] = phone;
        }

        return ev;
    }
}
