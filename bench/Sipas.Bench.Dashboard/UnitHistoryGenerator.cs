using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bench.Dashboard;

/// <summary>What a generated history holds.</summary>
public sealed record GeneratedHistory(int Units, int Days, int Dossiers, int Contacts, IReadOnlyDictionary<InvitationState, int> States);

/// <summary>
/// Generates a province's survey history straight into the database: one province and its wards (ward sizes uneven,
/// as real ones are), and for each of the last D local days a few thousand dossiers returned in office hours, each
/// with its invitation in the state it would have reached by now — skipped (by reason), failed, sent, delivered,
/// started, completed, partial, expired, or still scheduled today. Seeded random, so two runs generate the same data.
/// Meant to be shared: the results benchmark (issue 10) needs the same history to time its pages.
/// </summary>
public sealed class UnitHistoryGenerator(string connectionString, PersonalDataProtector personalData, int seed = 20261124)
{
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);
    private const int ContactPool = 20_000;
    private static readonly string[] WardNames = ["Phường Bến Nghé", "Xã Tân Phú", "Phường Hòa Khánh", "Xã Đông Hưng", "Phường Đống Đa", "Xã Thạch Thất"];

    public async Task<GeneratedHistory> GenerateAsync(int wards, int days, int perDay, CancellationToken ct)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var sourceId = Guid.CreateVersion7();
        var province = Guid.CreateVersion7();
        var wardIds = Enumerable.Range(0, wards).Select(_ => Guid.CreateVersion7()).ToArray();
        // Uneven ward sizes (a long tail); the province's own office takes a small share.
        var weights = Enumerable.Range(0, wards).Select(i => 1.0 / (1 + (i * 0.05))).Prepend(0.3).ToArray();
        var cumulative = Cumulative(weights);
        var contacts = Enumerable.Range(0, ContactPool).Select(_ => Guid.CreateVersion7()).ToArray();
        var today = DateOnly.FromDateTime((now + VietnamOffset).UtcDateTime);

        // Loading a quarter of a million rows with their foreign keys outlasts the default 30 s command timeout on a busy machine.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("INSERT INTO one_stop_sources (id, code, created_at) VALUES ($1, 'bench-dashboard', $2)", connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sourceId });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            await command.ExecuteNonQueryAsync(ct);
        }

        await CopyAsync(connection, "units (id, code, name, kind, parent_id, needs_review, created_at)", wards + 1, async (w, i) =>
        {
            await w.WriteAsync(i == 0 ? province : wardIds[i - 1], NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(i == 0 ? "P" : string.Create(CultureInfo.InvariantCulture, $"P-{i:D3}"), NpgsqlDbType.Text, ct);
            await w.WriteAsync(i == 0 ? "UBND tỉnh Thử Nghiệm" : $"{WardNames[i % WardNames.Length]} {i}", NpgsqlDbType.Text, ct);
            await w.WriteAsync(i == 0 ? nameof(UnitKind.Province) : nameof(UnitKind.Commune), NpgsqlDbType.Text, ct);
            if (i == 0)
            {
                await w.WriteNullAsync(ct);
            }
            else
            {
                await w.WriteAsync(province, NpgsqlDbType.Uuid, ct);
            }

            await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);

        await CopyAsync(connection, "contacts (id, phone_hash, phone_encrypted, created_at)", ContactPool, async (w, i) =>
        {
            var phone = string.Create(CultureInfo.InvariantCulture, $"+8491{i:D7}");
            await w.WriteAsync(contacts[i], NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(personalData.Hash(phone), NpgsqlDbType.Bytea, ct);
            await w.WriteAsync(personalData.Encrypt(phone), NpgsqlDbType.Bytea, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }, ct);

        var rows = new List<Row>(days * perDay);
        for (var age = days - 1; age >= 0; age--)
        {
            var localMidnightUtc = new DateTimeOffset(today.AddDays(-age).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - VietnamOffset;
            for (var n = 0; n < perDay; n++)
            {
                var returned = localMidnightUtc + TimeSpan.FromHours(7) + TimeSpan.FromSeconds(random.Next(10 * 3600));
                if (returned > now)
                {
                    continue;
                }

                var unit = Pick(cumulative, random.NextDouble());
                rows.Add(NewRow(random, rows.Count, unit == 0 ? province : wardIds[unit - 1], contacts[random.Next(ContactPool)], returned, now));
            }
        }

        await CopyAsync(connection, "dossiers (id, code, source_id, unit_id, returned_at, created_at)", rows.Count, async (w, i) =>
        {
            var row = rows[i];
            await w.WriteAsync(row.DossierId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"DASH-{i:D7}"), NpgsqlDbType.Text, ct);
            await w.WriteAsync(sourceId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(row.UnitId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(row.ReturnedAt, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(row.ReturnedAt, NpgsqlDbType.TimestampTz, ct);
        }, ct);
        await CopyAsync(
            connection,
            "invitations (id, dossier_id, code, contact_id, state, skip_reason, due_at, attempts, channel, questionnaire_id, sent_at, delivered_at, started_at, completed_at, expires_at, created_at, updated_at)",
            rows.Count,
            async (w, i) =>
            {
                var row = rows[i];
                var due = row.ReturnedAt + TimeSpan.FromMinutes(30);
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                await w.WriteAsync(row.DossierId, NpgsqlDbType.Uuid, ct);
                await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"d{i:x7}"), NpgsqlDbType.Text, ct);
                await w.WriteAsync(row.ContactId, NpgsqlDbType.Uuid, ct);
                await w.WriteAsync(row.State.ToString(), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, row.SkipReason?.ToString(), NpgsqlDbType.Text, ct);
                await w.WriteAsync(due, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(row.Sent is null && row.State != InvitationState.Failed ? 0 : 1, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, row.Channel?.ToString(), NpgsqlDbType.Text, ct);
                await w.WriteAsync(QuestionnaireSeed.ShortV1Id, NpgsqlDbType.Uuid, ct);
                await WriteNullableAsync(w, row.Sent, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, row.Delivered, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, row.Started, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, row.State == InvitationState.Completed ? row.Started!.Value.AddMinutes(4) : null, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, row.Sent?.AddDays(7), NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(row.ReturnedAt, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            },
            ct);
        await tx.CommitAsync(ct);

        await using var analyze = new NpgsqlCommand("ANALYZE units, contacts, dossiers, invitations", connection);
        await analyze.ExecuteNonQueryAsync(ct);
        return new GeneratedHistory(wards + 1, days, rows.Count, ContactPool, rows.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>
    /// One dossier's invitation as it stands now. The mix: 8 % skipped (opted out, fatigue cap, not a mobile, no channel,
    /// too old), 2 % failed, the rest sent on Zalo (50 %), SMS (40 %) or Telegram; of those sent about 30 % complete,
    /// 5 % stop half-way, 5 % only open it. Past the 7-day answer window the unanswered are expired and the half-answered
    /// partial; within it they are still sent, delivered or started. Today's most recent ones are still scheduled.
    /// </summary>
    private static Row NewRow(Random random, int index, Guid unitId, Guid contactId, DateTimeOffset returned, DateTimeOffset now)
    {
        var dossier = Guid.CreateVersion7();
        var r = random.NextDouble();
        var open = now - returned < TimeSpan.FromDays(7);
        if (r < 0.08)
        {
            var reason = (r / 0.08) switch
            {
                < 0.40 => SkipReason.OptedOut,
                < 0.65 => SkipReason.RecentlySurveyed,
                < 0.85 => SkipReason.PhoneNotMobile,
                < 0.95 => SkipReason.NoChannel,
                _ => SkipReason.EventTooOld,
            };
            return new Row(dossier, unitId, contactId, returned, InvitationState.Skipped, reason, null, null, null, null);
        }

        var channel = random.NextDouble() switch
        {
            < 0.5 => ChannelKind.Zalo,
            < 0.9 => ChannelKind.Sms,
            _ => ChannelKind.Telegram,
        };
        if (r < 0.10)
        {
            return new Row(dossier, unitId, contactId, returned, InvitationState.Failed, null, channel, null, null, null);
        }

        var due = returned + TimeSpan.FromMinutes(30);
        if (due > now - TimeSpan.FromMinutes(5) && index % 2 == 0)
        {
            return new Row(dossier, unitId, contactId, returned, InvitationState.Scheduled, null, null, null, null, null);
        }

        var sent = due + TimeSpan.FromSeconds(random.Next(600));
        DateTimeOffset? delivered = random.NextDouble() < 0.9 ? sent + TimeSpan.FromSeconds(5 + random.Next(60)) : null;
        var outcome = random.NextDouble();
        DateTimeOffset? started = outcome < 0.40 ? sent + TimeSpan.FromMinutes(1 + random.Next(600)) : null;
        if (started > now)
        {
            started = null;
        }

        var state = (outcome, started, open) switch
        {
            (< 0.30, not null, _) => InvitationState.Completed,
            (_, not null, false) => InvitationState.Partial,
            (_, not null, true) => InvitationState.Started,
            (_, null, false) => InvitationState.Expired,
            _ => delivered is null ? InvitationState.Sent : InvitationState.Delivered,
        };
        return new Row(dossier, unitId, contactId, returned, state, null, channel, sent, delivered, started);
    }

    private static double[] Cumulative(double[] weights)
    {
        var total = weights.Sum();
        var running = 0.0;
        return [.. weights.Select(w => running += w / total)];
    }

    private static int Pick(double[] cumulative, double r)
    {
        var i = Array.BinarySearch(cumulative, r);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter w, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter w, DateTimeOffset? value, NpgsqlDbType type, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, type, ct) : w.WriteNullAsync(ct);

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

    private sealed record Row(
        Guid DossierId, Guid UnitId, Guid ContactId, DateTimeOffset ReturnedAt, InvitationState State, SkipReason? SkipReason,
        ChannelKind? Channel, DateTimeOffset? Sent, DateTimeOffset? Delivered, DateTimeOffset? Started);
}
