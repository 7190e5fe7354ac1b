using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Admin;

/// <summary>
/// Loads administrative procedures from CSV (`code,name`): every row is checked first and all problems are reported
/// with their lines; then the procedures are inserted or updated in one transaction. A procedure first recorded from a
/// one-stop event (flagged for review) gets its official name and the flag is cleared.
/// </summary>
public sealed class ImportProcedures(SipasDbContext db, TimeProvider time)
{
    public static readonly string[] Required = ["code", "name"];

    public async Task<ImportReport> RunAsync(byte[] csv, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        var table = CsvTable.Read(csv, Required, [], errors);
        if (table is null)
        {
            return ImportReport.Failed(errors);
        }

        var fields = new ImportFields(errors);
        var rows = new List<(string Code, string Name)>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var errorsBefore = errors.Count;
            var code = fields.Code(row, "code", maxLength: 64);
            var name = fields.Text(row, "name", maxLength: 500);
            if (code is not null && !firstLine.TryAdd(code, row.Line))
            {
                fields.Error<object>(row, $"Code {code} is already on line {firstLine[code]}.");
            }
            else if (errors.Count == errorsBefore)
            {
                rows.Add((code!, name!));
            }
        }

        if (errors.Count > 0)
        {
            return ImportReport.Failed(errors);
        }

        var existing = await db.Procedures.AsNoTracking()
            .Select(p => new { p.Id, p.Code, p.Name, p.NeedsReview })
            .ToDictionaryAsync(p => p.Code, StringComparer.Ordinal, ct);
        var now = time.GetUtcNow();
        int updated = 0, unchanged = 0, reviewed = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (code, name) in rows)
        {
            if (!existing.TryGetValue(code, out var procedure))
            {
                db.Procedures.Add(new Procedure { Id = Guid.CreateVersion7(), Code = code, Name = name, CreatedAt = now });
                continue;
            }

            if (procedure.Name == name && !procedure.NeedsReview)
            {
                unchanged++;
                continue;
            }

            await db.Procedures.Where(p => p.Id == procedure.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, name).SetProperty(p => p.NeedsReview, false), ct);
            updated++;
            reviewed += procedure.NeedsReview ? 1 : 0;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return ImportReport.Failed([new ImportError(null, "A procedure of the file was recorded from a one-stop event during the import; nothing was changed. Run the import again.")]);
        }

        await transaction.CommitAsync(ct);
        return new ImportReport([], rows.Count, rows.Count - updated - unchanged, updated, unchanged, reviewed);
    }
}
