using Microsoft.EntityFrameworkCore;

namespace Sipas.Data.Model;

public static class ConversationQueries
{
    /// <summary>Ends the given conversations: no item waits for an answer any more, and a later reply finds no open chat.</summary>
    public static Task<int> EndAsync(this IQueryable<Conversation> conversations, DateTimeOffset now, CancellationToken ct) =>
        conversations.ExecuteUpdateAsync(
            s => s.SetProperty(c => c.State, ConversationState.Ended).SetProperty(c => c.CurrentPosition, (int?)null).SetProperty(c => c.UpdatedAt, now), ct);
}
