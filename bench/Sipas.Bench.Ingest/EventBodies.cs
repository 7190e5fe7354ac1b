using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sipas.Bench.Ingest;

/// <summary>A ready-to-send event: its exact body bytes and the headers signed over them.</summary>
public sealed record SignedEvent(byte[] Body, string Timestamp, string Signature);

/// <summary>
/// Builds "dossier.result_returned" events shaped like shared/fixtures/one-stop/result-returned.json, each with its
/// own eventId, dossier code and phone, spread over a few units and procedures as real traffic would be.
/// </summary>
public sealed class EventBodies(string runId, int units, string secret)
{
    // Mobile prefixes (after the leading 0) that libphonenumber accepts for Vietnam, so every event is invitable.
    private static readonly string[] MobilePrefixes =
        ["90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "88"];

    private static readonly string[] Names = ["Nguyễn Văn A", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức"];
    private static readonly string[] ReturnMethods = ["counter", "post", "online"];
    private const int Procedures = 10;
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    // Raw UTF-8 like a real source sends, rather than \u escapes for the Vietnamese names.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    /// <summary>Events <paramref name="first"/> .. first+count-1, all signed with one timestamp taken now.</summary>
    public SignedEvent[] Create(int first, int count, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var random = new Random(first);
        var events = new SignedEvent[count];
        for (var i = 0; i < count; i++)
        {
            var body = Body(first + i, now, random);
            events[i] = new SignedEvent(body, timestamp, Sign(timestamp, body));
        }
        return events;
    }

    /// <summary>`sha256=` + lowercase hex HMAC-SHA256(secret, "{timestamp}.{body}"), written from the spec rather than shared with the service.</summary>
    public string Sign(string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, signed));
    }

    private byte[] Body(int n, DateTimeOffset now, Random random)
    {
        // Returned within the last few minutes, so every event gets a scheduled invitation rather than "too old".
        var returnedAt = now.ToOffset(Vietnam).AddSeconds(-60 - (n % 240));
        var unit = n % units;
        var procedure = n % Procedures;

        var buffer = new ArrayBufferWriter<byte>(768);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("eventId", $"bench-{runId}-{n:D8}");
            json.WriteString("type", "dossier.result_returned");
            json.WriteString("occurredAt", Iso(returnedAt.AddSeconds(30)));
            WriteDossier(json, n, unit, procedure, returnedAt);
            WriteCitizen(json, n, random);
            json.WriteString("officialCode", $"CB-{n % 97:D4}");
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteDossier(Utf8JsonWriter json, int n, int unit, int procedure, DateTimeOffset returnedAt)
    {
        json.WriteStartObject("dossier");
        json.WriteString("code", $"BENCH.{runId}-{n:D8}");
        json.WriteString("procedureCode", $"9.{procedure + 1:D6}");
        json.WriteString("procedureName", $"Thủ tục thử tải {procedure + 1}");
        json.WriteString("unitCode", $"B{unit + 1:D4}");
        json.WriteString("unitName", $"UBND phường Thử Tải {unit + 1}");
        json.WriteString("receivedAt", Iso(returnedAt.AddDays(-2)));
        json.WriteString("dueAt", Iso(returnedAt.AddDays(1)));
        json.WriteString("returnedAt", Iso(returnedAt));
        json.WriteString("returnMethod", ReturnMethods[n % ReturnMethods.Length]);
        json.WriteEndObject();
    }

    private static void WriteCitizen(Utf8JsonWriter json, int n, Random random)
    {
        json.WriteStartObject("citizen");
        json.WriteString("phone", "0" + MobilePrefixes[random.Next(MobilePrefixes.Length)] + random.Next(10_000_000).ToString("D7", CultureInfo.InvariantCulture));
        json.WriteString("name", Names[n % Names.Length]);
        json.WriteNull("preferredChannel");
        json.WriteEndObject();
    }

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
