using System.Text.Json.Nodes;

namespace Sipas.Bot.Tests.Support;

/// <summary>The shared provider fixtures (../shared/fixtures), found by walking up from the test binaries.</summary>
public static class Fixtures
{
    public static string Root { get; } = Find();

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    /// <summary>The sample event with fresh ids and a return time relative to now, so it is neither a repeat nor too old.</summary>
    public static JsonObject ResultReturned(TimeSpan? returnedAgo = null, string? phone = null)
    {
        var ev = JsonNode.Parse(Text("one-stop/result-returned.json"))!.AsObject();
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

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory);
    }
}
