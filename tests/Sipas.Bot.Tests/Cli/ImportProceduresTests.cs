using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Cli;

public sealed class ImportProceduresTests
{
    [Fact]
    public async Task ImportProcedures_InsertsAndUpdates_AndAProcedureFromAnEventGetsItsOfficialName()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        await using (var db = TestDatabase.Open(connectionString))
        {
            db.Procedures.Add(new Procedure { Id = Guid.CreateVersion7(), Code = "1.001193", Name = "Dang ky khai sinh", NeedsReview = true, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        const string csv = "code,name\n1.001193,Đăng ký khai sinh\n1.000894,Đăng ký kết hôn\n2.000488,\"Cấp bản sao từ sổ gốc, chứng thực\"\n";
        var result = await CommandRunner.RunAsync(connectionString, ["import-procedures", CommandRunner.CsvFile("procedures.csv", csv, byteOrderMark: true)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Imported 3 procedures from procedures.csv", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 inserted, 1 updated, 0 unchanged; 1 of the updated were recorded from events", result.Output, StringComparison.Ordinal);
        await using (var db = TestDatabase.Open(connectionString))
        {
            var birth = await db.Procedures.SingleAsync(p => p.Code == "1.001193");
            Assert.Equal(("Đăng ký khai sinh", false), (birth.Name, birth.NeedsReview));
            Assert.Equal("Cấp bản sao từ sổ gốc, chứng thực", (await db.Procedures.SingleAsync(p => p.Code == "2.000488")).Name);
        }

        var again = await CommandRunner.RunAsync(connectionString, ["import-procedures", CommandRunner.CsvFile("procedures.csv", csv)]);
        Assert.Contains("0 inserted, 0 updated, 3 unchanged.", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportProcedures_ReportsEveryBadRowWithItsLine_AndChangesNothing()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var csv = string.Join('\n',
            "code,name",
            "1.001193,Đăng ký khai sinh",
            "1.001193,Trùng mã",
            "1.000894,",
            $"{new string('9', 65)},Mã quá dài",
            "1.000 1,Mã có dấu cách",
            "1.000895,\"Hai\ndòng\"",
            "1.000896,Đăng ký nuôi con nuôi");

        var result = await CommandRunner.RunAsync(connectionString, ["import-procedures", CommandRunner.CsvFile("procedures.csv", csv)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("procedures.csv:3: Code 1.001193 is already on line 2.", result.Error, StringComparison.Ordinal);
        Assert.Contains("procedures.csv:4: name is required.", result.Error, StringComparison.Ordinal);
        Assert.Contains("procedures.csv:5: code is 65 characters long; at most 64 are allowed.", result.Error, StringComparison.Ordinal);
        Assert.Contains("procedures.csv:6: code '1.000 1' must not contain spaces.", result.Error, StringComparison.Ordinal);
        Assert.Contains("procedures.csv:7: name contains a control character (U+000A)", result.Error, StringComparison.Ordinal);
        Assert.Contains("5 problem(s) found; nothing was changed.", result.Error, StringComparison.Ordinal);
        await using var db = TestDatabase.Open(connectionString);
        Assert.Equal(0, await db.Procedures.CountAsync());
    }
}
