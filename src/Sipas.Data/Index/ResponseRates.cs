using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;

namespace Sipas.Data.Index;

/// <summary>
/// The response funnel of each unit in a scope over a range of local days, read from the counts table
/// (<see cref="UnitDailyCount"/>), never from the invitations themselves.
/// </summary>
public sealed class ResponseRates(NpgsqlDataSource dataSource)
{
    // Null units = every unit. Three result sets: the units, the funnel per unit and channel, the skips per unit and reason.
    private const string ReadSql = """
        SELECT id, code, name, parent_id FROM units WHERE @all OR id = ANY(@units) ORDER BY code;
        SELECT unit_id, channel, sum(events)::int, sum(invited)::int, sum(delivered)::int, sum(started)::int,
               sum(completed)::int, sum(partial)::int, sum(failed)::int
        FROM unit_daily_counts
        WHERE day BETWEEN @from AND @to AND (@all OR unit_id = ANY(@units))
        GROUP BY unit_id, channel;
        SELECT c.unit_id, s.key, sum(s.value::int)::int
        FROM unit_daily_counts c CROSS JOIN LATERAL jsonb_each_text(c.skipped) s
        WHERE c.day BETWEEN @from AND @to AND (@all OR c.unit_id = ANY(@units)) AND c.skipped <> '{}'::jsonb
        GROUP BY c.unit_id, s.key;
        SELECT computed_at FROM unit_daily_counts ORDER BY computed_at DESC LIMIT 1;
        """;

    public async Task<ResponseRateReport> ReadAsync(DateOnly from, DateOnly to, IReadOnlySet<Guid>? units, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.AddWithValue("all", units is null);
        command.Parameters.Add(new NpgsqlParameter("units", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = units?.ToArray() ?? [] });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = from });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = to });
        await using var reader = await command.ExecuteReaderAsync(ct);

        var rows = new List<UnitFunnel>();
        var byId = new Dictionary<Guid, UnitFunnel>();
        while (await reader.ReadAsync(ct))
        {
            var row = new UnitFunnel(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3));
            rows.Add(row);
            byId[row.UnitId] = row;
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!byId.TryGetValue(reader.GetGuid(0), out var unit))
            {
                continue;
            }

            ChannelKind? channel = reader.IsDBNull(1) ? null : Enum.Parse<ChannelKind>(reader.GetString(1));
            var funnel = new Funnel(reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8));
            unit.ByChannel[channel?.ToString() ?? ""] = funnel;
            unit.Total = unit.Total.Plus(funnel);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (byId.TryGetValue(reader.GetGuid(0), out var unit))
            {
                unit.Skipped[reader.GetString(1)] = reader.GetInt32(2);
            }
        }

        await reader.NextResultAsync(ct);
        var asOf = await reader.ReadAsync(ct) ? reader.GetFieldValue<DateTimeOffset>(0) : (DateTimeOffset?)null;
        return new ResponseRateReport(from, to, rows, asOf);
    }
}

/// <summary>
/// Counts along the invitation funnel. The response rate is AAPOR's RR1: complete responses over every eligible case
/// invited — the invitations sent plus those whose sending failed for good (eligibility unknown, which RR1 counts in
/// the denominator). Partial responses are not in the numerator (that would be RR2); skipped invitations (opted out,
/// not a mobile, too old, fatigue cap, no channel) were never invited and are in neither.
/// </summary>
public sealed record Funnel(int Events, int Invited, int Delivered, int Started, int Completed, int Partial, int Failed)
{
    public static readonly Funnel Zero = new(0, 0, 0, 0, 0, 0, 0);

    public int Eligible => Invited + Failed;

    /// <summary>RR1 as a fraction, or null when nobody eligible was invited.</summary>
    public double? ResponseRate => Eligible == 0 ? null : (double)Completed / Eligible;

    public Funnel Plus(Funnel other) => new(
        Events + other.Events, Invited + other.Invited, Delivered + other.Delivered, Started + other.Started,
        Completed + other.Completed, Partial + other.Partial, Failed + other.Failed);
}

public sealed class UnitFunnel(Guid unitId, string code, string name, Guid? parentId)
{
    public Guid UnitId => unitId;
    public string Code => code;
    public string Name => name;
    public Guid? ParentId => parentId;
    public Funnel Total { get; set; } = Funnel.Zero;

    /// <summary>The funnel per channel name ("" for invitations with no channel yet).</summary>
    public Dictionary<string, Funnel> ByChannel { get; } = new(StringComparer.Ordinal);

    /// <summary>Skipped invitations per <see cref="SkipReason"/> name.</summary>
    public Dictionary<string, int> Skipped { get; } = new(StringComparer.Ordinal);

    public int SkippedTotal => Skipped.Values.Sum();
}

public sealed record ResponseRateReport(DateOnly From, DateOnly To, IReadOnlyList<UnitFunnel> Units, DateTimeOffset? AsOf)
{
    public Funnel Total => Units.Aggregate(Funnel.Zero, (sum, unit) => sum.Plus(unit.Total));

    public Dictionary<string, Funnel> ByChannel => Units.SelectMany(u => u.ByChannel)
        .GroupBy(c => c.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Aggregate(Funnel.Zero, (sum, c) => sum.Plus(c.Value)), StringComparer.Ordinal);

    public Dictionary<string, int> Skipped => Units.SelectMany(u => u.Skipped)
        .GroupBy(s => s.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
}
