using System.Net;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Admin;
using Sipas.Bot.Staff;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Admin;

/// <summary>/admin/holidays: everyone who oversees reads; only the deployment-wide Administrator adds and deletes.</summary>
public sealed class HolidayPagesTests(AdminHost host) : IClassFixture<AdminHost>
{
    private const string Path = "/admin/holidays";

    private static Task<HttpResponseMessage> AddAsync(HttpClient client, string date, string name) =>
        AdminHost.PostFormAsync(client, Path, Path, [new("date", date), new("name", name)]);

    private async Task<Holiday?> StoredAsync(DateOnly date)
    {
        await using var db = host.Db();
        return await db.Holidays.AsNoTracking().SingleOrDefaultAsync(h => h.Date == date);
    }

    private async Task SeedAsync(DateOnly date, string name)
    {
        await using var db = host.Db();
        if (await db.Holidays.AnyAsync(h => h.Date == date))
        {
            return;
        }

        db.Holidays.Add(new Holiday { Date = date, Name = name, Source = "Bộ luật Lao động 2019, Điều 112", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task UnitViewer_IsRefused_WithAnAuditedDenial()
    {
        var staff = await host.SignInAsync(StaffRole.UnitViewer, "WA");

        using var response = await staff.Client.GetAsync(Path);

        await host.AssertDeniedAsync(response, staff, "GET", Path);
    }

    [Theory]
    [InlineData(StaffRole.Supervisor, null)]
    [InlineData(StaffRole.Administrator, "P01")]
    public async Task SupervisorsAndScopedAdministrators_ReadTheList_ButCannotAddOrDelete(StaffRole role, string? unit)
    {
        var day = new DateOnly(2031, 9, 2);
        await SeedAsync(day, "Quốc khánh");
        var staff = await host.SignInAsync(role, unit);

        var page = await staff.Client.GetStringAsync($"{Path}?year=2031");
        Assert.Contains("<td>02/09/2031</td><td>Thứ Ba</td>", page, StringComparison.Ordinal);
        Assert.Contains("Quốc khánh", page, StringComparison.Ordinal);
        Assert.Contains("Bộ luật Lao động 2019, Điều 112", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Thêm ngày nghỉ</button>", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"action=\"{Path}/delete\"", page, StringComparison.Ordinal);

        var token = await Support.StaffSessions.AntiforgeryTokenAsync(staff.Client, "/admin/account");
        using var add = await staff.Client.PostAsync(Path, new FormUrlEncodedContent([new("af", token), new("date", "03/09/2031"), new("name", "Nghỉ thêm")]));
        await host.AssertDeniedAsync(add, staff, "POST", Path);
        using var delete = await staff.Client.PostAsync($"{Path}/delete", new FormUrlEncodedContent([new("af", token), new("date", "2031-09-02")]));
        await host.AssertDeniedAsync(delete, staff, "POST", $"{Path}/delete");
        Assert.Null(await StoredAsync(new DateOnly(2031, 9, 3)));
        Assert.NotNull(await StoredAsync(day));
    }

    [Fact]
    public async Task DeploymentAdministrator_AddsAndDeletesADay_EachAuditedWithBeforeAndAfter()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator);
        var day = new DateOnly(2032, 4, 30);

        using var added = await AddAsync(staff.Client, "30/04/2032", "Ngày Chiến thắng");

        Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        Assert.Equal($"{Path}?year=2032&saved=added", added.Headers.Location!.OriginalString);
        var stored = await StoredAsync(day);
        Assert.Equal(("Ngày Chiến thắng", HolidayPages.AddedByAdministrator), (stored!.Name, stored.Source));
        var addition = Assert.Single(await host.AuditAsync(AuditActions.HolidaysUpdated, "30/04/2032"));
        Assert.Null(addition.Before);
        Assert.Equal("Ngày Chiến thắng", AdminHost.Json(addition.After).GetProperty("name").GetString());
        Assert.Equal(staff.UserName, addition.ActorName);
        var page = await staff.Client.GetStringAsync(added.Headers.Location.OriginalString);
        Assert.Contains("Đã thêm ngày nghỉ.", page, StringComparison.Ordinal);
        Assert.Contains("<td>30/04/2032</td><td>Thứ Sáu</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>Quản trị viên thêm</td>", page, StringComparison.Ordinal);

        using var deleted = await AdminHost.PostFormAsync(staff.Client, $"{Path}?year=2032", $"{Path}/delete", [new("date", "2032-04-30")]);

        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Null(await StoredAsync(day));
        var removal = (await host.AuditAsync(AuditActions.HolidaysUpdated, "30/04/2032")).Last();
        Assert.Equal("2032-04-30", AdminHost.Json(removal.Before).GetProperty("date").GetString());
        Assert.Null(removal.After);
    }

    [Theory]
    [InlineData("31/02/2033", "Nghỉ", "date", "“31/02/2033” không phải một ngày hợp lệ")]
    [InlineData("ngày mai", "Nghỉ", "date", "“ngày mai” không phải một ngày hợp lệ")]
    [InlineData("01/01/1999", "Nghỉ", "date", "năm từ 2000 đến 2100")]
    [InlineData("", "Nghỉ", "date", "Vui lòng nhập ngày nghỉ")]
    [InlineData("2033-01-02", "", "name", "Vui lòng nhập tên ngày nghỉ")]
    [InlineData("2033-01-02", "LONG", "name", "Tên ngày nghỉ tối đa 200 ký tự")]
    [InlineData("01/01/2033", "Tết Dương lịch (lần hai)", "date", "Ngày 01/01/2033 đã có trong danh sách (“Tết Dương lịch”).")]
    public async Task BadInput_Answers400WithTheFieldsMessage_AndChangesNothing(string date, string name, string field, string message)
    {
        await SeedAsync(new DateOnly(2033, 1, 1), "Tết Dương lịch");

        var staff = await host.SignInAsync(StaffRole.Administrator);
        var before = await host.AuditAsync(AuditActions.HolidaysUpdated);

        using var refused = await AddAsync(staff.Client, date, name == "LONG" ? new string('N', 201) : name);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"field-error\" id=\"{field}-error\">", page, StringComparison.Ordinal);
        Assert.Contains(message, page, StringComparison.Ordinal);
        Assert.Null(await StoredAsync(new DateOnly(2033, 1, 2)));
        Assert.Equal("Tết Dương lịch", (await StoredAsync(new DateOnly(2033, 1, 1)))!.Name);
        Assert.Equal(before.Count, (await host.AuditAsync(AuditActions.HolidaysUpdated)).Count);
    }
}
