using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>
/// Hostile values in every field of a correctly signed one-stop event (so each one gets past authentication):
/// never a 5xx; invalid input is a 4xx problem that names the field and leaves every table as it was; valid input
/// (SQL, HTML, emoji…) is stored and returned exactly as sent.
/// </summary>
public sealed class HostileEventTests(HostileHost host) : IClassFixture<HostileHost>
{
    private const string Placeholder = "__HOSTILE_VALUE__";
    private static readonly string Run = Guid.NewGuid().ToString("N")[..6];
    private static int _sequence;

    public enum Kind
    {
        Free,
        Choice,
        Instant,
        Phone,
        Nested,
    }

    public sealed record Field(string Path, bool Required, int MaxLength, Kind Kind, params string[] Allowed)
    {
        public override string ToString() => Path;
    }

    public static readonly Field[] Fields =
    [
        new("eventId", true, 100, Kind.Free),
        new("type", true, 100, Kind.Choice, "dossier.result_returned"),
        new("occurredAt", false, 40, Kind.Instant),
        new("dossier", true, 0, Kind.Nested),
        new("dossier.code", true, 100, Kind.Free),
        new("dossier.procedureCode", false, 64, Kind.Free),
        new("dossier.procedureName", false, 500, Kind.Free),
        new("dossier.unitCode", true, 64, Kind.Free),
        new("dossier.unitName", false, 300, Kind.Free),
        new("dossier.receivedAt", false, 40, Kind.Instant),
        new("dossier.dueAt", false, 40, Kind.Instant),
        new("dossier.returnedAt", true, 40, Kind.Instant),
        new("dossier.returnMethod", false, 16, Kind.Choice, "counter", "post", "online"),
        new("citizen", true, 0, Kind.Nested),
        new("citizen.phone", true, 32, Kind.Phone),
        new("citizen.name", false, 200, Kind.Free),
        new("citizen.preferredChannel", false, 16, Kind.Choice, "sms", "zalo", "telegram"),
        new("officialCode", false, 64, Kind.Free),
    ];

    private static Gen<JsonValue> ValueFor(Field field) => field.Kind switch
    {
        Kind.Choice => Gen.Frequency<JsonValue>(
            (4, Hostile.Value(field.MaxLength)),
            (1, Gen.Select(Gen.OneOf(field.Allowed), Gen.OneOf("", " ", "\u00A0", "\t", "\0", "\u202E"), (v, pad) => JsonValue.OfString(pad + v + pad)))),
        Kind.Instant => Gen.Frequency<JsonValue>(
            (4, Hostile.Value(field.MaxLength)),
            (1, Gen.OneOf("2026-11-20T09:14:00+07:00", "2026-11-20T02:14:00Z", "2026-11-20T09:14:00.1234567+07:00", "2026-11-20T09:14:00+07:00\0").Select(v => JsonValue.OfString(v)))),
        _ => Hostile.Value(field.MaxLength),
    };

    // By name: xUnit's serialisation of theory data would turn an unpaired surrogate into U+FFFD.
    private static readonly Dictionary<string, string> Forbidden = new(StringComparer.Ordinal)
    {
        ["NUL"] = "a\0b",
        ["unpaired surrogate"] = "a\uD800b",
        ["CR LF"] = "x\r\n12:00:00 info: forged",
        ["right-to-left override"] = "\u202Eabc",
        ["noncharacter"] = "\uFFFE",
        ["C1 next line"] = "\u0085",
        ["terminal escape"] = "\u001B[2J",
    };

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in Fields.Where(f => f.Kind != Kind.Nested))
        {
            foreach (var name in Forbidden.Keys)
            {
                data.Add(field.Path, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ControlCharacter_UnpairedSurrogate_OrBidiOverride_InAnyField_Returns422NamingIt_AndStoresNothing(string path, string forbidden)
    {
        var outcome = await SendAsync(Fields.Single(f => f.Path == path), JsonValue.OfString(Forbidden[forbidden]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outcome);
    }

    [Theory]
    [InlineData("eventId", 100)]
    [InlineData("dossier.code", 100)]
    [InlineData("dossier.unitName", 300)]
    [InlineData("citizen.name", 200)]
    [InlineData("officialCode", 64)]
    public async Task StringOneOverItsLimit_Returns422NamingTheLimit(string path, int limit)
    {
        var body = SetPath(Fixtures.ResultReturned(), path, JsonValue.OfString(new string('x', limit + 1)));

        using var response = await OneStopClient.PostBytesAsync(host.Client, body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, path);
        Assert.Contains($"at most {limit}", (string)problem["errors"]![path]![0]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("citizen.name", "<script>alert(1)</script>")]
    [InlineData("citizen.name", "'; DROP TABLE units; --")]
    [InlineData("dossier.unitName", "<img src=x onerror=alert(1)>")]
    [InlineData("dossier.unitName", "Robert'); DROP TABLE dossiers;--")]
    [InlineData("dossier.code", "{0}%s${jndi:x}")]
    [InlineData("officialCode", "../../etc/passwd")]
    [InlineData("dossier.procedureName", "Đăng ký khai sinh 👨‍👩‍👧 \u200B")]
    public async Task TextThatOnlyLooksDangerous_IsStoredAndReturnedExactly(string path, string value)
    {
        var outcome = await SendAsync(Fields.Single(f => f.Path == path), JsonValue.OfString(value));
        Assert.Equal(HttpStatusCode.Accepted, outcome);
    }

    [Fact]
    public async Task GeneratedHostileValues_InEveryField_NeverGive5xx_AndRejectionsStoreNothing()
    {
        var gen = Gen.OneOf(Fields).SelectMany(f => ValueFor(f).Select(v => new Case(f, v)));
        await gen.SampleAsync(c => SendAsync(c.Field, c.Value), iter: 400, threads: 1, print: c => c.ToString());
    }

    public sealed record Case(Field Field, JsonValue Value)
    {
        public override string ToString() => $"{Field.Path} = {Value}";
    }

    /// <summary>Sends the event with the value at the field and checks the answer against the contract.</summary>
    private async Task<HttpStatusCode> SendAsync(Field field, JsonValue value)
    {
        var n = Interlocked.Increment(ref _sequence);
        var ev = Fixtures.ResultReturned();
        ev["dossier"]!["unitCode"] = $"HX-{Run}-{n}";
        ev["dossier"]!["procedureCode"] = $"HP-{Run}-{n}";
        var body = SetPath(ev, field.Path, value);
        var what = $"{field.Path} = {value}";
        var expected = Expect(field, value, body.Length);

        var before = await host.CountsAsync();
        using var response = await OneStopClient.PostBytesAsync(host.Client, body);
        host.AssertNothingFailed(what);
        Assert.True((int)response.StatusCode < 500, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
        {
            Assert.True(expected is Outcome.Accepted or Outcome.AcceptedOrInvalid, $"{what}: accepted, but the contract says {expected}");
            await StoredExactlyAsync(field, value, ev);
            return response.StatusCode;
        }

        var status = expected switch
        {
            Outcome.TooLarge => HttpStatusCode.RequestEntityTooLarge,
            Outcome.Malformed => HttpStatusCode.BadRequest,
            Outcome.Repeated => HttpStatusCode.Conflict,
            _ => HttpStatusCode.UnprocessableEntity,
        };
        var problem = await ProblemAssert.IsProblemAsync(response, status, $"{what} (expected {expected})");
        if (status == HttpStatusCode.UnprocessableEntity)
        {
            var keys = ProblemAssert.ErrorKeys(problem);
            Assert.True(keys.Count > 0 && keys.All(k => k == field.Path || k.StartsWith(field.Path + ".", StringComparison.Ordinal)), $"{what}: errors {problem["errors"]}");
        }

        // A 409 included: the event's new unit and procedure codes are written in its own transaction, so nothing stays.
        var after = await host.CountsAsync();
        Assert.True(before.SequenceEqual(after), $"{what}: rows changed from {RowCounts.Describe(before)} to {RowCounts.Describe(after)}");
        return response.StatusCode;
    }

    private enum Outcome
    {
        TooLarge,
        Malformed,
        Invalid,
        Repeated,
        Accepted,
        AcceptedOrInvalid,
    }

    /// <summary>The contract (docs/design.md §4.1 and the rule for outside text), from the test's side.</summary>
    private Outcome Expect(Field field, JsonValue value, int bodyLength)
    {
        if (bodyLength > 64 * 1024)
        {
            return Outcome.TooLarge;
        }

        if (!value.IsJson)
        {
            return Outcome.Malformed;
        }

        if (field.Kind == Kind.Nested || (value.Text is null && !value.IsNull))
        {
            return Outcome.Invalid;
        }

        var text = value.Text?.Trim();
        if (value.Text is not null && (Hostile.IsForbidden(value.Text) || text!.Length > field.MaxLength))
        {
            return Outcome.Invalid;
        }

        if (string.IsNullOrEmpty(text))
        {
            return field.Required ? Outcome.Invalid : Outcome.Accepted;
        }

        return field.Kind switch
        {
            Kind.Choice => field.Allowed.Contains(text) ? Outcome.Accepted : Outcome.Invalid,
            Kind.Free when field.Path == "eventId" && !host.IsFirstUse("event", text) => Outcome.Repeated,
            Kind.Free => Outcome.Accepted,
            _ => Outcome.AcceptedOrInvalid,
        };
    }

    /// <summary>What was accepted is in the database exactly as sent (trimmed), and the index API returns units unchanged.</summary>
    private async Task StoredExactlyAsync(Field field, JsonValue value, JsonObject ev)
    {
        var text = value.Text?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        var dossierCode = field.Path == "dossier.code" ? text! : (string)ev["dossier"]!["code"]!;
        var unitCode = field.Path == "dossier.unitCode" ? text! : (string)ev["dossier"]!["unitCode"]!;
        var procedureCode = field.Path == "dossier.procedureCode" ? text : (string)ev["dossier"]!["procedureCode"]!;
        await using var db = host.Db();
        var dossier = await db.Dossiers.AsNoTracking().Include(d => d.Unit).Include(d => d.Procedure).SingleAsync(d => d.Code == dossierCode);
        switch (field.Path)
        {
            case "eventId":
                Assert.True(await db.InboundEvents.AnyAsync(e => e.ExternalId == text));
                break;
            case "dossier.unitCode":
                Assert.Equal(unitCode, dossier.Unit!.Code);
                await UnitIsReturnedAsync(unitCode, name: null);
                break;
            case "dossier.unitName":
                Assert.Equal(text ?? unitCode, dossier.Unit!.Name);
                await UnitIsReturnedAsync(unitCode, text ?? unitCode);
                break;
            case "dossier.procedureCode":
                Assert.Equal(procedureCode, dossier.Procedure?.Code);
                break;
            case "dossier.procedureName":
                Assert.Equal(text ?? procedureCode, dossier.Procedure!.Name);
                break;
            case "citizen.name":
                Assert.Equal(text, dossier.CitizenNameEncrypted is null ? null : Seed.PersonalData.Decrypt(dossier.CitizenNameEncrypted));
                break;
            case "officialCode":
                Assert.Equal(text, dossier.OfficialCode);
                break;
        }
    }

    private async Task UnitIsReturnedAsync(string code, string? name)
    {
        using var response = await host.Client.GetAsync("/api/v1/index?unit=" + Hostile.UrlEncode(code));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"index of {Hostile.Show(code)}: {(int)response.StatusCode} {body}");
        var unit = JsonNode.Parse(body)!["unit"]!;
        Assert.Equal(code, (string)unit["code"]!);
        if (name is not null)
        {
            Assert.Equal(name, (string)unit["name"]!);
        }
    }

    /// <summary>Puts the value's exact bytes at the path: the rest of the event is serialised, the value is spliced in.</summary>
    private static byte[] SetPath(JsonObject ev, string path, JsonValue value)
    {
        var parts = path.Split('.');
        var parent = parts.Length == 1 ? ev : ev[parts[0]]!.AsObject();
        parent[parts[^1]] = Placeholder;
        var json = ev.ToJsonString();
        var at = json.IndexOf($"\"{Placeholder}\"", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. value.ToBytes(), .. Encoding.UTF8.GetBytes(json[(at + Placeholder.Length + 2)..])];
    }
}
