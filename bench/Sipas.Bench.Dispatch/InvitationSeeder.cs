using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bench.Dispatch;

/// <summary>
/// Writes N invitations straight into the database, as the ingest path would have left them: one source, a few
/// units, one contact per invitation (a distinct Vietnamese mobile, hashed and encrypted with the service's
/// personal-data key, as the service does), a dossier each, and the invitation Scheduled with its due time in the far
/// future, so the running service sends nothing until <see cref="MakeDueAsync"/>.
/// </summary>
public sealed class InvitationSeeder(string connectionString, PersonalDataProtector personalData, string runId)
{
    public static readonly DateTime FarFuture = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private const string CodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // Unit names with diacritics, so the SMS text goes through the service's GSM-7 folding as a real one would.
    private static readonly string[] UnitNames = ["UBND phường Bến Nghé", "UBND xã Tân Phú", "Sở Tư pháp", "UBND phường Hòa Khánh", "UBND xã Đông Hưng"];

    /// <summary>The phones seeded, E.164: every one must reach the fake exactly once.</summary>
    public IReadOnlySet<string> Phones => _phones;

    private readonly HashSet<string> _phones = new(StringComparer.Ordinal);

    public async Task SeedAsync(int count, int units, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var sourceId = Guid.CreateVersion7();
        var unitIds = Enumerable.Range(0, units).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("INSERT INTO one_stop_sources (id, code, created_at) VALUES ($1, $2, $3)", connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sourceId });
            command.Parameters.Add(new NpgsqlParameter { Value = $"bench-{runId}" });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            await command.ExecuteNonQueryAsync(ct);
        }

        await CopyAsync(connection, "units (id, code, name, kind, needs_review, created_at)", units, async (w, i) =>
        {
            await w.WriteAsync(unitIds[i], NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"B{i:D4}"), NpgsqlDbType.Text, ct);
            await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{UnitNames[i % UnitNames.Length]} {i + 1}"), NpgsqlDbType.Text, ct);
            await w.WriteAsync(nameof(UnitKind.Commune), NpgsqlDbType.Text, ct);
            await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);

        var rows = Enumerable.Range(0, count).Select(i => NewRow(i, unitIds[i % units])).ToArray();
        await CopyAsync(connection, "contacts (id, phone_hash, phone_encrypted, created_at)", count, async (w, i) =>
        {
            await w.WriteAsync(rows[i].ContactId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(personalData.Hash(rows[i].Phone), NpgsqlDbType.Bytea, ct);
            await w.WriteAsync(personalData.Encrypt(rows[i].Phone), NpgsqlDbType.Bytea, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);
        await CopyAsync(connection, "dossiers (id, code, source_id, unit_id, returned_at, created_at)", count, async (w, i) =>
        {
            await w.WriteAsync(rows[i].DossierId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"BENCH.{runId}-{i:D6}"), NpgsqlDbType.Text, ct);
            await w.WriteAsync(sourceId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(rows[i].UnitId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(now.AddMinutes(-30), NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);
        await CopyAsync(connection, "invitations (id, dossier_id, code, contact_id, state, due_at, attempts, questionnaire_id, created_at, updated_at)", count, async (w, i) =>
        {
            await w.WriteAsync(rows[i].InvitationId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(rows[i].DossierId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(rows[i].Code, NpgsqlDbType.Text, ct);
            await w.WriteAsync(rows[i].ContactId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(nameof(InvitationState.Scheduled), NpgsqlDbType.Text, ct);
            await w.WriteAsync(FarFuture, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(0, NpgsqlDbType.Integer, ct);
            await w.WriteAsync(QuestionnaireSeed.ShortV1Id, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);
        await tx.CommitAsync(ct);

        // Fresh statistics, as a table that has been in use would have: the dispatcher's claim plans on them.
        await using var analyze = new NpgsqlCommand("ANALYZE one_stop_sources, units, contacts, dossiers, invitations", connection);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Makes every seeded invitation due now; returns when the UPDATE has committed.</summary>
    public async Task<int> MakeDueAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("UPDATE invitations SET due_at = now() WHERE state = 'Scheduled' AND due_at = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = FarFuture });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private Row NewRow(int i, Guid unitId)
    {
        string phone;
        do
        {
            phone = string.Create(CultureInfo.InvariantCulture, $"+8491{RandomNumberGenerator.GetInt32(10_000_000):D7}");
        }
        while (!_phones.Add(phone));
        return new Row(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), unitId, phone, RandomNumberGenerator.GetString(CodeAlphabet, 10) + i.ToString("x", CultureInfo.InvariantCulture));
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string target, int count, Func<NpgsqlBinaryImporter, int, Task> writeRow, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < count; i++)
        {
            await writer.StartRowAsync(ct);
            await writeRow(writer, i);
        }
        await writer.CompleteAsync(ct);
    }

    private sealed record Row(Guid ContactId, Guid DossierId, Guid InvitationId, Guid UnitId, string Phone, string Code);
}
