using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Cli;

public sealed class ImportUnitsTests
{
    /// <summary>Official units with a child before its parent, a name with a comma and one with quotes.</summary>
    private static readonly string OfficialUnits = Path.Combine(Fixtures.Root, "Cli", "units.csv");

    [Fact]
    public async Task ImportUnits_BuildsTheTree_ParentsMayComeLater_AndAUnitFromAnEventGetsItsOfficialData()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        await using (var db = TestDatabase.Open(connectionString))
        {
            // What the one-stop endpoint records for a unit code it has never seen.
            db.Units.Add(new Unit { Id = Guid.CreateVersion7(), Code = "00070", Name = "00070", Kind = UnitKind.Unknown, NeedsReview = true, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var result = await CommandRunner.RunAsync(connectionString, ["import-units", CommandRunner.CsvFile("units.csv", File.ReadAllText(OfficialUnits), byteOrderMark: true)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3 inserted, 1 updated, 0 unchanged; 1 of the updated were recorded from events", result.Output, StringComparison.Ordinal);
        await using (var db = TestDatabase.Open(connectionString))
        {
            var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code);
            var province = units["01"];
            Assert.Equal((UnitKind.Province, null, new DateOnly(2025, 7, 1)), (province.Kind, province.ParentId, province.ValidFrom));
            Assert.Equal(("UBND phường Hoàn Kiếm", UnitKind.Commune, province.Id, false), (units["00070"].Name, units["00070"].Kind, units["00070"].ParentId, units["00070"].NeedsReview));
            Assert.Equal("Sở Tư pháp, Hà Nội", units["000.00.70.H26"].Name);
            Assert.Equal("UBND phường \"Ba Đình\"", units["00004"].Name);
        }

        var again = await CommandRunner.RunAsync(connectionString, ["import-units", OfficialUnits]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 inserted, 0 updated, 4 unchanged.", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportUnits_ReportsEveryBadRowWithItsLine_AndChangesNothing()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var csv = string.Join('\n',
            "code,name,kind,parent_code",
            "01,Thành phố Hà Nội,province,",
            "00070,UBND phường Hoàn Kiếm,ward,01",
            "01,Trùng mã,province,",
            "00004,UBND phường Ba Đình,commune,99",
            "A,Đơn vị A,department,B",
            "B,Đơn vị B,department,A",
            "00005,\"Tên có\ttab\",commune,01",
            $"00006,{new string('x', 301)},commune,01",
            "00007,Tự làm cha,commune,00007",
            "00 08,Có dấu cách,commune,01");

        var result = await CommandRunner.RunAsync(connectionString, ["import-units", CommandRunner.CsvFile("units.csv", csv)]);

        Assert.Equal(1, result.ExitCode);
        string[] expected =
        [
            "units.csv:3: kind 'ward' is not one of province, department, district, commune.",
            "units.csv:4: Code 01 is already on line 2.",
            "units.csv:5: Parent 99 of unit 00004 is neither in the file nor in the database.",
            "units.csv:6: Parent codes form a cycle: A → B → A (lines 6, 7).",
            "units.csv:8: name contains a control character (U+0009)",
            "units.csv:9: name is 301 characters long; at most 300 are allowed.",
            "units.csv:10: Unit 00007 cannot be its own parent.",
            "units.csv:11: code '00 08' must not contain spaces.",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, result.Error, StringComparison.Ordinal);
        }

        Assert.Contains("8 problem(s) found; nothing was changed.", result.Error, StringComparison.Ordinal);
        await using var db = TestDatabase.Open(connectionString);
        Assert.Equal(0, await db.Units.CountAsync());
    }

    [Fact]
    public async Task ImportUnits_ACycleThroughUnitsAlreadyStored_IsRefused()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var first = await CommandRunner.RunAsync(connectionString, ["import-units", CommandRunner.CsvFile("units.csv", "code,name,kind,parent_code\n01,Hà Nội,province,\n00070,Hoàn Kiếm,commune,01\n")]);
        Assert.True(first.ExitCode == 0, first.ToString());

        var result = await CommandRunner.RunAsync(connectionString, ["import-units", CommandRunner.CsvFile("units.csv", "code,name,kind,parent_code\n01,Hà Nội,province,00070\n")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("units.csv:2: Parent codes form a cycle: 01 → 00070 → 01 (lines 2).", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code,name,parent_code\n01,Hà Nội,\n", "units.csv:1: Column 'kind' is missing")]
    [InlineData("code,name,kind,parent_code,region\n01,Hà Nội,province,,north\n", "units.csv:1: Unknown column 'region'")]
    [InlineData("code,name,kind,parent_code\n01,Hà Nội,province\n", "units.csv:2: Has 3 fields, but the header names 4 columns.")]
    [InlineData("code,name,kind,parent_code\n01,\"Hà Nội,province,\n", "units.csv:2: A quoted field is never closed.")]
    [InlineData("", "units.csv: The file is empty")]
    public async Task ImportUnits_AFileThatIsNotTheExpectedCsv_IsRefused(string csv, string expected)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");

        var result = await CommandRunner.RunAsync(connectionString, ["import-units", CommandRunner.CsvFile("units.csv", csv)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportUnits_AFileThatIsNotUtf8_IsRefused()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var path = CommandRunner.CsvFile("units.csv", string.Empty);
        // "Hà Nội" in Windows-1258, the Vietnamese code page some spreadsheets still save in.
        await File.WriteAllBytesAsync(path, [.. "code,name,kind,parent_code\n01,H"u8.ToArray(), 0xE0, .. " N\u00F4\u0323i,province,\n"u8.ToArray()]);

        var result = await CommandRunner.RunAsync(connectionString, ["import-units", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not valid UTF-8", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportUnits_AMissingFile_IsRefused()
    {
        var result = await CommandRunner.RunAsync("Host=unused", ["import-units", "/no/such/units.csv"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/no/such/units.csv", result.Error, StringComparison.Ordinal);
    }
}
