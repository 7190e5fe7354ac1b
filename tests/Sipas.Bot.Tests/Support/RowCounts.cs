using Npgsql;

namespace Sipas.Bot.Tests.Support;

/// <summary>The number of rows in every table of the public schema: a rejected request must leave all of them unchanged.</summary>
public static class RowCounts
{
    public static async Task<IReadOnlyDictionary<string, long>> OfAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var sql = string.Join(" UNION ALL ", tables.Select(t => $"SELECT '{t}', count(*) FROM public.\"{t}\""));
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var count = new NpgsqlCommand(sql, connection);
        await using var rows = await count.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            counts[rows.GetString(0)] = rows.GetInt64(1);
        }

        return counts;
    }

    public static string Describe(IReadOnlyDictionary<string, long> counts) => string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));
}
