namespace Sipas.Data.Model;

/// <summary>
/// The response funnel of one unit, one local day (the dossiers' return date, as the index counts periods) and one
/// channel (null: no channel chosen yet, e.g. skipped or still scheduled). Kept by a recurring job that recomputes the
/// days whose invitations can still move, so the dashboard reads a few thousand rows instead of scanning invitations.
/// </summary>
public sealed class UnitDailyCount
{
    public long Id { get; set; }
    public Guid UnitId { get; set; }
    public DateOnly Day { get; set; }
    public ChannelKind? Channel { get; set; }

    /// <summary>Dossiers returned that day (each has one invitation).</summary>
    public int Events { get; set; }

    /// <summary>Invitations sent (whatever became of them after).</summary>
    public int Invited { get; set; }
    public int Delivered { get; set; }
    public int Started { get; set; }
    public int Completed { get; set; }
    public int Partial { get; set; }

    /// <summary>Invitations given up after their send attempts failed (never sent).</summary>
    public int Failed { get; set; }

    /// <summary>Skipped invitations per <see cref="SkipReason"/> name.</summary>
    public Dictionary<string, int> Skipped { get; set; } = [];

    /// <summary>When the job computed this row: the page says "as of" this time.</summary>
    public DateTimeOffset ComputedAt { get; set; }
}
