using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Admin;

/// <summary>
/// Loads the official administrative units from CSV (`code,name,kind,parent_code`, optionally `valid_from,valid_to`).
/// Every row is checked first — kinds, duplicate codes, parents that exist in the file or the database, cycles,
/// control characters, lengths — and all problems are reported with their lines before anything is written; then the
/// units are inserted or updated in one transaction. A unit first recorded from a one-stop event (flagged for review)
/// gets its official name, kind and parent, and the flag is cleared.
/// </summary>
public sealed class ImportUnits(SipasDbContext db, TimeProvider time)
{
    public static readonly string[] Required = ["code", "name", "kind", "parent_code"];
    public static readonly string[] Optional = ["valid_from", "valid_to"];

    // Unknown is what an event leaves behind, not something an administrator declares.
    private static readonly Dictionary<string, UnitKind> Kinds = Enum.GetValues<UnitKind>()
        .Where(k => k != UnitKind.Unknown)
        .ToDictionary(k => k.ToString().ToLowerInvariant(), StringComparer.OrdinalIgnoreCase);

    public static string KindNames => string.Join(", ", Kinds.Keys);

    public async Task<ImportReport> RunAsync(byte[] csv, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        var table = CsvTable.Read(csv, Required, Optional, errors);
        if (table is null)
        {
            return ImportReport.Failed(errors);
        }

        var rows = Validate(table, new ImportFields(errors));
        var existing = await db.Units.AsNoTracking()
            .Select(u => new ExistingUnit(u.Id, u.Code, u.Name, u.Kind, u.ParentId, u.ValidFrom, u.ValidTo, u.NeedsReview))
            .ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        CheckParents(rows, existing, errors);
        if (errors.Count > 0)
        {
            return ImportReport.Failed(errors);
        }

        return await WriteAsync(table, rows, existing, ct);
    }

    private static List<UnitRow> Validate(CsvTable table, ImportFields fields)
    {
        var rows = new List<UnitRow>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var errorsBefore = fields.Errors.Count;
            var code = fields.Code(row, "code", maxLength: 64);
            var name = fields.Text(row, "name", maxLength: 300);
            var kindText = fields.Text(row, "kind", maxLength: 32);
            UnitKind kind = default;
            if (kindText is not null && !Kinds.TryGetValue(kindText, out kind))
            {
                fields.Error<object>(row, $"kind '{kindText}' is not one of {KindNames}.");
            }

            var parent = fields.Code(row, "parent_code", maxLength: 64, required: false);
            if (parent is not null && parent == code)
            {
                fields.Error<object>(row, $"Unit {code} cannot be its own parent.");
            }

            var from = fields.Date(row, "valid_from");
            var to = fields.Date(row, "valid_to");
            if (from is not null && to is not null && from > to)
            {
                fields.Error<object>(row, $"valid_from {from:yyyy-MM-dd} is after valid_to {to:yyyy-MM-dd}.");
            }

            if (code is not null && !firstLine.TryAdd(code, row.Line))
            {
                fields.Error<object>(row, $"Code {code} is already on line {firstLine[code]}.");
                continue;
            }

            if (fields.Errors.Count == errorsBefore)
            {
                rows.Add(new UnitRow(row.Line, code!, name!, kind, parent, from, to));
            }
        }

        return rows;
    }

    /// <summary>Every parent must exist in the file or the database, and the resulting tree must have no cycle.</summary>
    private static void CheckParents(List<UnitRow> rows, Dictionary<string, ExistingUnit> existing, List<ImportError> errors)
    {
        var inFile = rows.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var codeOfId = existing.Values.ToDictionary(u => u.Id, u => u.Code);
        string? ParentOf(string code) =>
            inFile.TryGetValue(code, out var row) ? row.ParentCode
            : existing.TryGetValue(code, out var unit) && unit.ParentId is { } id ? codeOfId.GetValueOrDefault(id)
            : null;

        foreach (var row in rows.Where(r => r.ParentCode is not null && !inFile.ContainsKey(r.ParentCode) && !existing.ContainsKey(r.ParentCode)))
        {
            errors.Add(new ImportError(row.Line, $"Parent {row.ParentCode} of unit {row.Code} is neither in the file nor in the database."));
        }

        // Walk up from each row; a walk that comes back to a code on its own path is a cycle, reported once.
        var settled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var path = new List<string>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            for (var code = row.Code; code is not null && !settled.Contains(code); code = ParentOf(code))
            {
                if (!onPath.Add(code))
                {
                    var cycle = path[path.IndexOf(code)..];
                    var lines = cycle.Where(inFile.ContainsKey).Select(c => inFile[c].Line).Order().ToList();
                    errors.Add(new ImportError(lines[0],
                        $"Parent codes form a cycle: {string.Join(" → ", cycle.Append(code))} (lines {string.Join(", ", lines)})."));
                    break;
                }

                path.Add(code);
            }

            settled.UnionWith(path);
        }
    }

    /// <summary>New units first (EF orders a parent's insert before its children's), then the changed ones, in one transaction.</summary>
    private async Task<ImportReport> WriteAsync(CsvTable table, List<UnitRow> rows, Dictionary<string, ExistingUnit> existing, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var idOf = existing.Values.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var added = ParentsFirst(rows.Where(r => !existing.ContainsKey(r.Code)).ToList());
        foreach (var row in added)
        {
            idOf[row.Code] = Guid.CreateVersion7();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var row in added)
        {
            db.Units.Add(new Unit
            {
                Id = idOf[row.Code], Code = row.Code, Name = row.Name, Kind = row.Kind, ParentId = ParentId(row, idOf),
                ValidFrom = row.ValidFrom, ValidTo = row.ValidTo, CreatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return ImportReport.Failed([new ImportError(null, "A unit of the file was recorded from a one-stop event during the import; nothing was changed. Run the import again.")]);
        }

        int updated = 0, unchanged = 0, reviewed = 0;
        foreach (var row in rows.Where(r => existing.ContainsKey(r.Code)))
        {
            var unit = existing[row.Code];
            var parentId = ParentId(row, idOf);
            // A column left out of the file leaves the stored validity alone; an empty cell clears it.
            var validFrom = table.Has("valid_from") ? row.ValidFrom : unit.ValidFrom;
            var validTo = table.Has("valid_to") ? row.ValidTo : unit.ValidTo;
            if (unit.Name == row.Name && unit.Kind == row.Kind && unit.ParentId == parentId && unit.ValidFrom == validFrom && unit.ValidTo == validTo && !unit.NeedsReview)
            {
                unchanged++;
                continue;
            }

            await db.Units.Where(u => u.Id == unit.Id).ExecuteUpdateAsync(
                s => s.SetProperty(u => u.Name, row.Name)
                    .SetProperty(u => u.Kind, row.Kind)
                    .SetProperty(u => u.ParentId, parentId)
                    .SetProperty(u => u.ValidFrom, validFrom)
                    .SetProperty(u => u.ValidTo, validTo)
                    .SetProperty(u => u.NeedsReview, false),
                ct);
            updated++;
            reviewed += unit.NeedsReview ? 1 : 0;
        }

        await transaction.CommitAsync(ct);
        return new ImportReport([], rows.Count, added.Count, updated, unchanged, reviewed);
    }

    private static Guid? ParentId(UnitRow row, Dictionary<string, Guid> idOf) => row.ParentCode is null ? null : idOf[row.ParentCode];

    /// <summary>Rows ordered so that a parent in the file comes before its children (the tree has no cycle by now).</summary>
    private static List<UnitRow> ParentsFirst(List<UnitRow> rows)
    {
        var inFile = rows.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var ordered = new List<UnitRow>(rows.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var chain = new Stack<UnitRow>();
            for (var current = row; current is not null && !placed.Contains(current.Code);
                 current = current.ParentCode is not null ? inFile.GetValueOrDefault(current.ParentCode) : null)
            {
                chain.Push(current);
            }

            foreach (var unit in chain)
            {
                placed.Add(unit.Code);
                ordered.Add(unit);
            }
        }

        return ordered;
    }

    private sealed record UnitRow(int Line, string Code, string Name, UnitKind Kind, string? ParentCode, DateOnly? ValidFrom, DateOnly? ValidTo);

    private sealed record ExistingUnit(Guid Id, string Code, string Name, UnitKind Kind, Guid? ParentId, DateOnly? ValidFrom, DateOnly? ValidTo, bool NeedsReview);
}
