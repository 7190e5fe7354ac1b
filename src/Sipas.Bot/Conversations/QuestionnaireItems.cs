using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

/// <summary>
/// The ordered items of a questionnaire version, read once per process: a version never changes (an edit makes a
/// new version), so every chat step need not read them again.
/// </summary>
public sealed class QuestionnaireItems
{
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<QuestionnaireItem>> _byVersion = new();

    public async Task<IReadOnlyList<QuestionnaireItem>> OfAsync(SipasDbContext db, Guid questionnaireId, CancellationToken ct)
    {
        if (_byVersion.TryGetValue(questionnaireId, out var items))
        {
            return items;
        }

        var loaded = await db.QuestionnaireItems.AsNoTracking()
            .Where(q => q.QuestionnaireId == questionnaireId).OrderBy(q => q.Position).ToListAsync(ct);
        return _byVersion.GetOrAdd(questionnaireId, loaded);
    }
}
