using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Results;

/// <summary>GET /api/v1/index over answers seeded in a real database (docs/sipas-method.md §4–6).</summary>
public sealed class IndexEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ReturnedInNovember = new(2026, 11, 10, 9, 0, 0, TimeSpan.FromHours(7));
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = await SipasFactory.StartAsync();
        _client = _factory.CreateClient();
        await StaffSessions.SignInSupervisorAsync(_factory.Services, _client);
        await using var db = Db();
        var seed = new Seed(db);
        var province = await seed.UnitAsync("01", "Thành phố Hà Nội");
        var wardX = await seed.UnitAsync("X", "Phường X", province.Id);
        var wardY = await seed.UnitAsync("Y", "Phường Y", province.Id);
        await RatedAsync(seed, wardX, satisfied: 40, dissatisfied: 10);
        await RatedAsync(seed, wardY, satisfied: 9, dissatisfied: 1);

        // Skipped answers, late answers and other months must not move the figures above.
        var skipped = await seed.InvitationsAsync(wardY, 1, ReturnedInNovember, phone: _ => "+84911000001", returnedAt: ReturnedInNovember);
        await seed.ResponseAsync(skipped[0], false, ("OVERALL", AnswerKind.Skipped, null));
        var late = await seed.InvitationsAsync(wardY, 1, ReturnedInNovember, phone: _ => "+84911000002", returnedAt: ReturnedInNovember);
        await seed.ResponseAsync(late[0], true, ("OVERALL", AnswerKind.Scale, 1));
        var october = await seed.InvitationsAsync(wardY, 1, ReturnedInNovember, phone: _ => "+84911000003", returnedAt: new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.FromHours(7)));
        await seed.ResponseAsync(october[0], false, ("OVERALL", AnswerKind.Scale, 1));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static async Task RatedAsync(Seed seed, Unit unit, int satisfied, int dissatisfied)
    {
        var invitations = await seed.InvitationsAsync(unit, satisfied + dissatisfied, ReturnedInNovember, returnedAt: ReturnedInNovember);
        for (var n = 0; n < invitations.Count; n++)
        {
            await seed.ResponseAsync(invitations[n], false, ("OVERALL", AnswerKind.Scale, n < satisfied ? 4 + (n % 2) : 1 + (n % 2)), ("ACCESS", AnswerKind.Scale, 5));
        }
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    private async Task<JsonNode> IndexAsync(string query)
    {
        var answer = await _client.GetFromJsonAsync<JsonObject>("/api/v1/index?" + query);
        return answer!["index"]!;
    }

    [Fact]
    public async Task Province_PoolsTheCountsOfItsWards_NotTheirPercentages()
    {
        var index = await IndexAsync("unit=01&from=2026-11-01&to=2026-11-30");

        Assert.Equal(60, (int)index["sipas"]!["n"]!);
        Assert.Equal(49, (int)index["sipas"]!["satisfied"]!);
        Assert.Equal(81.67, (double)index["sipas"]!["percent"]!);
        Assert.False((bool)index["sipas"]!["fewAnswers"]!);
    }

    [Fact]
    public async Task Ward_WithFewerThan30Answers_IsFlagged()
    {
        var index = await IndexAsync("unit=Y&from=2026-11-01&to=2026-11-30");

        Assert.Equal(90.00, (double)index["sipas"]!["percent"]!);
        Assert.Equal(59.58, (double)index["sipas"]!["low"]!);
        Assert.Equal(98.21, (double)index["sipas"]!["high"]!);
        Assert.True((bool)index["sipas"]!["fewAnswers"]!);
    }

    [Fact]
    public async Task WithoutChildren_TheProvinceAloneHasNoAnswers_AndItsFiguresAreNull()
    {
        var index = await IndexAsync("unit=01&from=2026-11-01&to=2026-11-30&children=false");

        Assert.Equal(0, (int)index["sipas"]!["n"]!);
        Assert.Null(index["sipas"]!["percent"]);
        Assert.Null(index["composite"]);
        Assert.Null(index["decision766"]!["percent"]);
    }

    [Fact]
    public async Task Period_FollowsTheReturnDateInVietnamTime()
    {
        var october = await IndexAsync("unit=Y&from=2026-10-01&to=2026-10-31");
        Assert.Equal(1, (int)october["sipas"]!["n"]!);
        Assert.Equal(0.00, (double)october["sipas"]!["percent"]!);
    }

    [Fact]
    public async Task Decision766Rate_CountsEveryReturnedDossier_RatedOrNot()
    {
        var index = await IndexAsync("unit=01&from=2026-11-01&to=2026-11-30");

        var decision = index["decision766"]!;
        Assert.Equal(62, (int)decision["dossiers"]!);
        Assert.Equal(11, (int)decision["dissatisfied"]!);
        Assert.Equal(82.26, (double)decision["percent"]!);
        Assert.Equal(100.00, (double)index["dimensions"]!.AsArray().Single(d => (string)d!["code"]! == "ACCESS")!["percent"]!);
    }

    [Theory]
    [InlineData("", "unit")]
    [InlineData("unit=01&from=2026-13-01", "from")]
    [InlineData("unit=01&from=2026-11-30&to=2026-11-01", "from")]
    [InlineData("unit=01&children=maybe", "children")]
    public async Task BadQuery_Returns400_NamingTheParameter(string query, string field)
    {
        using var response = await _client.GetAsync("/api/v1/index?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Contains(field, errors.Select(e => e.Key));
    }

    [Fact]
    public async Task UnknownUnit_Returns404Problem()
    {
        using var response = await _client.GetAsync("/api/v1/index?unit=NOPE");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
