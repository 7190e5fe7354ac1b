using Sipas.Data.Index;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Data.Tests.Index;

/// <summary>The SQL that counts answers and the pure rule predicates must agree on every value, in range or not.</summary>
public class IndexQueryRulesTests
{
    private static readonly int[] Values = [-1, 0, 1, 2, 3, 4, 5, 6, 9];

    [Fact]
    public async Task CountsInTheDatabase_AgreeWithTheRuleSet_ForEveryValue()
    {
        await using var db = TestDatabase.Open(await TestPostgres.CreateDatabaseAsync("rules"));
        var seed = new Seed(db);
        var unit = await seed.UnitAsync();
        var returnedAt = new DateTimeOffset(2026, 11, 10, 3, 0, 0, TimeSpan.Zero);
        var invitations = await seed.InvitationsAsync(unit, Values.Length, returnedAt.AddMinutes(30), returnedAt: returnedAt);
        for (var i = 0; i < Values.Length; i++)
        {
            await seed.ResponseAsync(invitations[i], late: false, (QuestionnaireSeed.OverallItem, AnswerKind.Scale, Values[i]), ("ACCESS.1", AnswerKind.Scale, Values[i]));
        }

        var counts = await new IndexQuery(db).CountAsync(unit.Id, children: false, returnedAt.AddDays(-1), returnedAt.AddDays(1), CancellationToken.None);

        var rules = IndexFormulas.Rules;
        foreach (var item in new[] { QuestionnaireSeed.OverallItem, "ACCESS.1" })
        {
            var counted = Assert.Single(counts.Items, c => c.ItemCode == item);
            Assert.Equal(Values.Count(rules.IsValidScaleValue), counted.Valid);
            Assert.Equal(Values.Count(rules.IsSatisfied), counted.Satisfied);
        }

        Assert.Equal(Values.Count(rules.IsDissatisfied), counts.Funnel.Dissatisfied);
    }
}
