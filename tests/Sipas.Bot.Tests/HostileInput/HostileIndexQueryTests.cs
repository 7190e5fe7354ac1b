using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>Hostile `unit`, `from`, `to` and `children` on GET /api/v1/index: a 400 naming the parameter, never a 5xx.</summary>
public sealed partial class HostileIndexQueryTests(HostileHost host) : IClassFixture<HostileHost>, IAsyncLifetime
{
    private const string UnitCode = "IDX-HOSTILE";
    private const string DefaultFrom = "2026-11-01";
    private const string DefaultTo = "2026-11-30";
    private static readonly DateOnly Earliest = new(1900, 1, 1);
    private static readonly DateOnly Latest = new(2999, 12, 31);

    public enum Parameter
    {
        Unit,
        From,
        To,
        Children,
    }

    public sealed record Case(Parameter Parameter, string Value)
    {
        public override string ToString() => $"{Parameter} = {Hostile.Show(Value)}";
    }

    private static Gen<string> DateValue => Gen.Frequency<string>(
        (3, Hostile.Text(64)),
        (2, Gen.OneOf("0001-01-01", "9999-12-31", "0001-12-31", "9999-01-01", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "2026-02-29", "2024-02-29",
            "2026-13-01", "2026-00-10", "2026-11-31", "2026-1-1", "+2026-11-01", "-2026-11-01", "2026-11-01T00:00:00Z", "20261101", "2026/11/01", " 2026-11-01 ",
            "2026-11-01\0", "2026-11-01\u202E", "２０２６-１１-０１", "٢٠٢٦-١١-٠١")),
        (1, Gen.Select(Gen.Int[1, 9999], Gen.Int[0, 13], Gen.Int[0, 32], (y, m, d) => $"{y:D4}-{m:D2}-{d:D2}")));

    private static Gen<Case> Cases => Gen.Frequency<Case>(
        (2, Gen.Frequency<string>((4, Hostile.Text(64)), (1, Gen.OneOf(UnitCode, " " + UnitCode + " ", UnitCode + "\0", "idx-hostile", UnitCode + "\u200B"))).Select(v => new Case(Parameter.Unit, v))),
        (2, DateValue.Select(v => new Case(Parameter.From, v))),
        (2, DateValue.Select(v => new Case(Parameter.To, v))),
        (1, Gen.Frequency<string>((3, Hostile.Text(16)), (1, Gen.OneOf("true", "false", "TRUE", " false ", "true\0", "1", "yes", ""))).Select(v => new Case(Parameter.Children, v))));

    public async Task InitializeAsync()
    {
        await using var db = host.Db();
        if (!await db.Units.AnyAsync(u => u.Code == UnitCode))
        {
            await new Seed(db).UnitAsync(UnitCode, "Phường <b>'; --");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("unit", "unit=%00")]
    [InlineData("unit", "unit=IDX-HOSTILE%0D%0Ax")]
    [InlineData("unit", "unit=%E2%80%AEIDX")]
    [InlineData("from", "unit=IDX-HOSTILE&from=0001-01-01")]
    [InlineData("to", "unit=IDX-HOSTILE&to=9999-12-31")]
    [InlineData("to", "unit=IDX-HOSTILE&from=0001-01-01&to=0001-01-01")]
    [InlineData("from", "unit=IDX-HOSTILE&from=2026-11-01%00")]
    [InlineData("from", "unit=IDX-HOSTILE&from=2026-02-30")]
    [InlineData("from", "unit=IDX-HOSTILE&from=2026-12-01&to=2026-11-01")]
    [InlineData("children", "unit=IDX-HOSTILE&children=true%00")]
    public async Task HostileQuery_Returns400_NamingTheParameter(string parameter, string query)
    {
        using var response = await host.Client.GetAsync("/api/v1/index?" + query);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, query);
        Assert.Contains(parameter, ProblemAssert.ErrorKeys(problem));
        host.AssertNothingFailed(query);
    }

    [Fact]
    public async Task UnitCodeOverItsLimit_Returns400_NamingTheLimit()
    {
        using var response = await host.Client.GetAsync("/api/v1/index?unit=" + new string('u', 65));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("at most 64", (string)problem["errors"]!["unit"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedHostileParameters_NeverGive5xx_AndAreRefusedAsTheContractSays()
    {
        await Cases.SampleAsync(CheckAsync, iter: 300, threads: 1, print: c => c.ToString());
    }

    private async Task CheckAsync(Case c)
    {
        var values = new Dictionary<Parameter, string?>
        {
            [Parameter.Unit] = UnitCode,
            [Parameter.From] = DefaultFrom,
            [Parameter.To] = DefaultTo,
            [Parameter.Children] = null,
        };
        values[c.Parameter] = c.Value;
        var query = string.Join('&', values.Where(v => v.Value is not null).Select(v => $"{v.Key.ToString().ToLowerInvariant()}={Hostile.UrlEncode(v.Value!)}"));
        var expected = Expect(values);

        var before = await host.CountsAsync();
        using var response = await host.Client.GetAsync("/api/v1/index?" + query);
        host.AssertNothingFailed(c.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{c}: {(int)response.StatusCode} {body}");
        Assert.Equal(before, await host.CountsAsync());

        if (c.Parameter == Parameter.Unit && HasUnpairedSurrogate(c.Value))
        {
            // A URL carries bytes: an unpaired surrogate arrives as invalid UTF-8, which the server keeps percent-encoded.
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
            await ProblemAssert.IsProblemAsync(response, response.StatusCode, c.ToString());
        }
        else if (expected is { } field)
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, $"{c} should name {field}");
            Assert.Contains(field, ProblemAssert.ErrorKeys(problem));
        }
        else if (c.Parameter == Parameter.Unit && c.Value.Trim() != UnitCode)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, c.ToString());
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{c}: {(int)response.StatusCode} {body}");
            Assert.Equal(UnitCode, (string)JsonNode.Parse(body)!["unit"]!["code"]!);
        }
    }

    /// <summary>The parameter the service must name, or null when the query is valid (docs/design.md §4.5).</summary>
    private static string? Expect(Dictionary<Parameter, string?> values)
    {
        var unit = values[Parameter.Unit]!;
        if (Hostile.IsForbidden(unit) || unit.Trim().Length is 0 or > 64)
        {
            return "unit";
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).DateTime);
        if (!TryDate(values[Parameter.To], today, out var to))
        {
            return "to";
        }

        if (!TryDate(values[Parameter.From], new DateOnly(to.Year, to.Month, 1), out var from) || from > to)
        {
            return "from";
        }

        var children = values[Parameter.Children];
        return children is null || (!Hostile.IsForbidden(children) && children.Trim().ToLowerInvariant() is "true" or "false") ? null : "children";
    }

    private static bool TryDate(string? value, DateOnly fallback, out DateOnly date)
    {
        date = fallback;
        if (value is not null && Hostile.IsForbidden(value))
        {
            return false;
        }

        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        return IsoDate().IsMatch(text)
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            && date >= Earliest && date <= Latest;
    }

    private static bool HasUnpairedSurrogate(string text) =>
        text.Where((c, i) => char.IsHighSurrogate(c) ? i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]) : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))).Any();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    private static partial Regex IsoDate();
}
