using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Staff;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Admin;

/// <summary>/admin/units: the tree of units in scope with their effective send settings, and one unit's overrides.</summary>
public sealed class UnitSettingsPagesTests(AdminHost host) : IClassFixture<AdminHost>
{
    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string code, string delay, string start, string end, bool clear = false) =>
        AdminHost.PostFormAsync(client, $"/admin/units/{code}", $"/admin/units/{code}",
        [
            new("delay", delay), new("windowStart", start), new("windowEnd", end), .. clear ? new KeyValuePair<string, string>[] { new("clear", "1") } : [],
        ]);

    private async Task<UnitSendSettings?> StoredAsync(Guid unitId)
    {
        await using var db = host.Db();
        return await db.UnitSendSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UnitId == unitId);
    }

    [Theory]
    [InlineData(StaffRole.UnitViewer)]
    [InlineData(StaffRole.Supervisor)]
    public async Task ReadOnlyRoles_AreRefusedTheUnitsPages_WithAnAuditedDenial(StaffRole role)
    {
        var staff = await host.SignInAsync(role, role == StaffRole.UnitViewer ? "WA" : null);

        using var list = await staff.Client.GetAsync("/admin/units");
        await host.AssertDeniedAsync(list, staff, "GET", "/admin/units");
        using var edit = await staff.Client.PostAsync("/admin/units/WA", new FormUrlEncodedContent([new("delay", "5")]));
        await host.AssertDeniedAsync(edit, staff, "POST", "/admin/units/WA");
        Assert.Null(await StoredAsync(host.WardA.Id));
    }

    [Fact]
    public async Task ScopedAdministrator_SeesOnlyTheirSubtree_AndCannotOpenOrEditAnotherWard()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "WA");

        var list = await staff.Client.GetStringAsync("/admin/units");
        Assert.Contains("Phường A", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Phường B", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Tỉnh Thử Nghiệm", list, StringComparison.Ordinal);

        using var open = await staff.Client.GetAsync("/admin/units/WB");
        await host.AssertDeniedAsync(open, staff, "GET", "/admin/units/WB");
        var token = await Support.StaffSessions.AntiforgeryTokenAsync(staff.Client, "/admin/units/WA");
        using var save = await staff.Client.PostAsync("/admin/units/WB", new FormUrlEncodedContent([new("af", token), new("delay", "5")]));
        await host.AssertDeniedAsync(save, staff, "POST", "/admin/units/WB");
        Assert.Null(await StoredAsync(host.WardB.Id));
        var denial = (await host.AuditAsync(AuditActions.AccessDenied)).Last(a => a.ActorName == staff.UserName);
        Assert.Equal(host.WardB.Id, denial.UnitId);
    }

    [Fact]
    public async Task Saving_StoresTheOverrides_AuditsBeforeAndAfter_AndChildUnitsInheritThem()
    {
        var unit = await host.NewUnitAsync();
        var child = await host.NewUnitAsync(unit.Id);
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");

        using var saved = await SaveAsync(staff.Client, unit.Code, "45", "08:00", "20:30");

        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal($"/admin/units/{unit.Code}?saved=1", saved.Headers.Location!.OriginalString);
        var stored = await StoredAsync(unit.Id);
        Assert.Equal(TimeSpan.FromMinutes(45), stored!.DelayAfterReturn);
        Assert.Equal((8 * 60, (20 * 60) + 30), (stored.WindowStartMinute, stored.WindowEndMinute));
        var entry = Assert.Single(await host.AuditAsync(AuditActions.UnitSettingsUpdated, unit.Code));
        Assert.Equal(unit.Id, entry.UnitId);
        Assert.Equal(staff.UserName, entry.ActorName);
        Assert.Null(entry.Before);
        var after = AdminHost.Json(entry.After);
        Assert.Equal(45, after.GetProperty("delayMinutes").GetInt32());
        Assert.Equal("08:00", after.GetProperty("windowStart").GetString());
        Assert.Equal("20:30", after.GetProperty("windowEnd").GetString());

        var confirmation = await staff.Client.GetStringAsync(saved.Headers.Location.OriginalString);
        Assert.Contains("Đã lưu thiết lập gửi của đơn vị.", confirmation, StringComparison.Ordinal);
        var list = await staff.Client.GetStringAsync("/admin/units");
        var childRow = list[list.IndexOf(child.Name, StringComparison.Ordinal)..];
        childRow = childRow[..childRow.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("45 phút", childRow, StringComparison.Ordinal);
        Assert.Contains("08:00–20:30", childRow, StringComparison.Ordinal);
        Assert.Contains($"kế thừa từ đơn vị {unit.Code}", childRow, StringComparison.Ordinal);

        using var second = await SaveAsync(staff.Client, unit.Code, "", "22:00", "06:00");
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        var change = (await host.AuditAsync(AuditActions.UnitSettingsUpdated, unit.Code)).Last();
        Assert.Equal("08:00", AdminHost.Json(change.Before).GetProperty("windowStart").GetString());
        Assert.Equal(JsonValueKind.Null, AdminHost.Json(change.After).GetProperty("delayMinutes").ValueKind);
        Assert.Equal("22:00", AdminHost.Json(change.After).GetProperty("windowStart").GetString());
    }

    [Fact]
    public async Task ClearingTheOverrides_RemovesThem_AndTheUnitInheritsFromConfiguration()
    {
        var unit = await host.NewUnitAsync();
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");
        using (var first = await SaveAsync(staff.Client, unit.Code, "10", "07:30", "24:00"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        }

        Assert.Equal(1440, (await StoredAsync(unit.Id))!.WindowEndMinute);

        using var cleared = await SaveAsync(staff.Client, unit.Code, "10", "07:30", "24:00", clear: true);

        Assert.Equal(HttpStatusCode.SeeOther, cleared.StatusCode);
        Assert.Null(await StoredAsync(unit.Id));
        var entry = (await host.AuditAsync(AuditActions.UnitSettingsUpdated, unit.Code)).Last();
        Assert.Equal("24:00", AdminHost.Json(entry.Before).GetProperty("windowEnd").GetString());
        Assert.Null(entry.After);
        var page = await staff.Client.GetStringAsync($"/admin/units/{unit.Code}");
        Assert.Contains("30 phút</strong> sau khi trả kết quả (theo cấu hình chung)", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5", "08:00", "20:00", "delay", "Thời gian chờ sau khi trả kết quả không được âm.")]
    [InlineData("10081", "08:00", "20:00", "delay", "Thời gian chờ sau khi trả kết quả không được quá 7 ngày.")]
    [InlineData("ba mươi", "08:00", "20:00", "delay", "Thời gian chờ phải là một số phút nguyên, ví dụ 30.")]
    [InlineData("15", "08:00", "08:00", "windowEnd", "Giờ kết thúc phải khác giờ bắt đầu")]
    [InlineData("15", "24:00", "08:00", "windowStart", "Giờ bắt đầu phải trong khoảng 00:00 đến 23:59.")]
    [InlineData("15", "08:00", "24:30", "windowEnd", "Giờ kết thúc phải trong khoảng 00:01 đến 24:00")]
    [InlineData("15", "8 giờ", "20:00", "windowStart", "Giờ bắt đầu phải viết dạng giờ:phút")]
    [InlineData("15", "08:00", "", "windowEnd", "Nhập cả giờ bắt đầu và giờ kết thúc")]
    [InlineData("15", "08:60", "20:00", "windowStart", "Giờ bắt đầu phải viết dạng giờ:phút")]
    public async Task BadInput_Answers400WithTheFieldsMessage_AndKeepsTheStoredSettings(string delay, string start, string end, string field, string message)
    {
        var unit = await host.NewUnitAsync();
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");
        using (var first = await SaveAsync(staff.Client, unit.Code, "30", "07:00", "21:00"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        }

        using var refused = await SaveAsync(staff.Client, unit.Code, delay, start, end);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"field-error\" id=\"{field}-error\">{message}", page, StringComparison.Ordinal);
        Assert.Contains($"aria-describedby=\"{field}-error\"", page, StringComparison.Ordinal);
        var stored = await StoredAsync(unit.Id);
        Assert.Equal((TimeSpan.FromMinutes(30), 420, 1260), (stored!.DelayAfterReturn!.Value, stored.WindowStartMinute!.Value, stored.WindowEndMinute!.Value));
        Assert.Single(await host.AuditAsync(AuditActions.UnitSettingsUpdated, unit.Code));
    }

    [Fact]
    public async Task UnknownUnit_Answers404()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator);

        using var response = await staff.Client.GetAsync("/admin/units/KHONG-CO");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Không có đơn vị mã “KHONG-CO”", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        var unit = await host.NewUnitAsync();
        var staff = await host.SignInAsync(StaffRole.Administrator);

        using var forged = await staff.Client.PostAsync($"/admin/units/{unit.Code}", new FormUrlEncodedContent([new("delay", "5")]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Biểu mẫu đã hết hạn", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await StoredAsync(unit.Id));
    }
}
