using System.Globalization;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Microsoft.AspNetCore.Http;
using Sipas.Data.Index;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Dashboard;

/// <summary>What the response-rate page shows, loaded by <see cref="ResponseRateDispatcher"/> before the page renders.</summary>
internal sealed record ResponseRateView(ResponseRateReport Report, ResponseRatePeriod Period, bool PeriodWasInvalid, double LowRate, TimeZoneInfo Zone)
{
    public const string ItemKey = "sipas:response-rate-view";
}

/// <summary>The periods the page offers: today and the last 7, 30 and 90 days (local days, today included).</summary>
internal sealed record ResponseRatePeriod(int Days, string Label)
{
    public static readonly ResponseRatePeriod[] All =
    [
        new(1, "Hôm nay"),
        new(7, "7 ngày qua"),
        new(30, "30 ngày qua"),
        new(90, "90 ngày qua"),
    ];

    public static readonly ResponseRatePeriod Default = All[1];
}

/// <summary>
/// "Tỷ lệ phản hồi": per unit in the viewer's scope, the funnel from events to completed responses, the RR1 rate with
/// a bar, units under the configured threshold highlighted, and the scope's total and channels. Plain HTML (a GET form
/// for the period, CSS bars), every value written through <see cref="RazorPage.Write"/>, which escapes it.
/// </summary>
internal sealed class ResponseRatePage : RazorPage
{
    public const string Title = "Tỷ lệ phản hồi";
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    private const string Style = """
        <style>
        #sipas-rates .sipas-bar { background: #e9ecef; height: .9em; min-width: 8em; border: 1px solid #6c757d; }
        #sipas-rates .sipas-bar span { display: block; height: 100%; background: #1f6f43; }
        #sipas-rates tr.sipas-low td { background: #fde2e1; }
        #sipas-rates tr.sipas-low .sipas-bar span { background: #a4161a; }
        #sipas-rates .sipas-flag { font-weight: bold; color: #8a1116; }
        #sipas-rates td.num, #sipas-rates th.num { text-align: right; }
        #sipas-rates small { display: block; color: #495057; }
        #sipas-rates tfoot td { font-weight: bold; }
        #sipas-rates caption { color: #212529; }
        </style>
        """;

    public override void Execute()
    {
        Layout = new LayoutPage(Title);
        var view = (ResponseRateView)Context.GetHttpContext().Items[ResponseRateView.ItemKey]!;
        var report = view.Report;
        WriteLiteral(Style);
        WriteLiteral("<div class=\"row\"><div class=\"col-md-12\" id=\"sipas-rates\">");
        WriteLiteral("<h1 class=\"page-header\">");
        Write(Title);
        WriteLiteral("</h1>");
        WritePeriodForm(view);
        WriteAsOf(view);
        WriteDefinition(view);
        WriteUnits(view);
        WriteChannels(report);
        WriteSkips(report);
        WriteLiteral("</div></div>");
    }

    private void WritePeriodForm(ResponseRateView view)
    {
        if (view.PeriodWasInvalid)
        {
            WriteLiteral("<p class=\"alert alert-warning\" role=\"alert\" id=\"sipas-period-error\">");
            Write($"Khoảng thời gian không hợp lệ; đang hiển thị {view.Period.Label.ToLower(Vietnamese)}.");
            WriteLiteral("</p>");
        }

        WriteLiteral("<form method=\"get\" class=\"form-inline\" style=\"margin-bottom:1em\">");
        WriteLiteral("<label for=\"sipas-days\">Khoảng thời gian </label> <select id=\"sipas-days\" name=\"days\" class=\"form-control\">");
        foreach (var period in ResponseRatePeriod.All)
        {
            WriteLiteral(period == view.Period ? "<option selected value=\"" : "<option value=\"");
            Write(period.Days);
            WriteLiteral("\">");
            Write(period.Label);
            WriteLiteral("</option>");
        }

        WriteLiteral("</select> <button type=\"submit\" class=\"btn btn-primary\">Xem</button></form>");
    }

    private void WriteAsOf(ResponseRateView view)
    {
        var range = view.Report.From == view.Report.To
            ? $"Ngày {view.Report.From.ToString("dd/MM/yyyy", Vietnamese)}"
            : $"Từ {view.Report.From.ToString("dd/MM/yyyy", Vietnamese)} đến {view.Report.To.ToString("dd/MM/yyyy", Vietnamese)}";
        WriteLiteral("<p id=\"sipas-as-of\">");
        Write(range + " (theo ngày trả kết quả hồ sơ). ");
        Write(view.Report.AsOf is { } asOf
            ? $"Số liệu tính đến {TimeZoneInfo.ConvertTime(asOf, view.Zone).ToString("HH:mm 'ngày' dd/MM/yyyy", Vietnamese)}."
            : "Chưa có số liệu: công việc tính số liệu chưa chạy lần nào.");
        WriteLiteral("</p>");
    }

    private void WriteDefinition(ResponseRateView view)
    {
        WriteLiteral("<details><summary>Cách tính tỷ lệ phản hồi</summary>");
        WriteLiteral("<p>Tỷ lệ phản hồi tính theo chuẩn AAPOR RR1 = số phiếu hoàn thành ÷ số lời mời hợp lệ.</p><ul>");
        WriteLiteral("<li><strong>Tử số</strong>: số phiếu khảo sát được trả lời đầy đủ (hoàn thành). Phiếu trả lời dở dang không được tính.</li>");
        WriteLiteral("<li><strong>Mẫu số</strong>: số lời mời đã gửi (dù người dân đã nhận, đã mở hay chưa) cộng số lời mời gửi thất bại hẳn — không rõ số điện thoại có dùng được không, nên RR1 vẫn tính vào mẫu số.</li>");
        WriteLiteral("<li><strong>Không tính</strong> ở cả hai: lời mời bị bỏ qua (người dân đã từ chối nhận, không phải số di động, sự kiện quá cũ, vừa được khảo sát gần đây, không có kênh gửi) vì chưa từng được mời, và lời mời còn chờ gửi.</li>");
        WriteLiteral("</ul><p>");
        Write($"Đơn vị có tỷ lệ dưới {view.LowRate.ToString("P0", Vietnamese)} được tô đỏ và ghi “Thấp”.");
        WriteLiteral("</p></details>");
    }

    private void WriteUnits(ResponseRateView view)
    {
        WriteLiteral("<div class=\"table-responsive\"><table class=\"table table-bordered\" id=\"sipas-units\"><caption>Phễu phản hồi theo đơn vị</caption><thead><tr>");
        WriteLiteral("<th scope=\"col\">Đơn vị</th><th scope=\"col\" class=\"num\">Sự kiện</th><th scope=\"col\" class=\"num\">Đã mời</th><th scope=\"col\" class=\"num\">Bỏ qua</th>");
        WriteLiteral("<th scope=\"col\" class=\"num\">Đã nhận</th><th scope=\"col\" class=\"num\">Đã mở</th><th scope=\"col\" class=\"num\">Hoàn thành</th>");
        WriteLiteral("<th scope=\"col\" class=\"num\">Dở dang</th><th scope=\"col\" class=\"num\">Gửi lỗi</th><th scope=\"col\">Tỷ lệ phản hồi</th></tr></thead><tbody>");
        foreach (var unit in view.Report.Units)
        {
            var low = unit.Total.ResponseRate is { } rate && rate < view.LowRate;
            WriteLiteral(low ? "<tr class=\"sipas-low\" data-unit=\"" : "<tr data-unit=\"");
            Write(unit.Code);
            WriteLiteral("\"><th scope=\"row\">");
            Write(unit.Name);
            WriteLiteral("<small>");
            Write(unit.Code);
            WriteLiteral("</small></th>");
            WriteFunnelCells(unit.Total, unit.SkippedTotal, unit.Skipped);
            WriteRateCell(unit.Total, low);
            WriteLiteral("</tr>");
        }

        WriteLiteral("</tbody><tfoot><tr data-unit=\"\"><td>Tổng phạm vi</td>");
        WriteFunnelCells(view.Report.Total, view.Report.Skipped.Values.Sum(), null);
        WriteRateCell(view.Report.Total, low: false);
        WriteLiteral("</tr></tfoot></table></div>");
    }

    private void WriteFunnelCells(Funnel funnel, int skipped, Dictionary<string, int>? reasons)
    {
        Cell(funnel.Events, "events");
        Cell(funnel.Invited, "invited");
        WriteLiteral("<td class=\"num\" data-col=\"skipped\">");
        Write(Number(skipped));
        foreach (var (reason, count) in reasons?.OrderBy(r => r.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, int>>())
        {
            WriteLiteral("<small>");
            Write($"{SkipReasonName(reason)}: {Number(count)}");
            WriteLiteral("</small>");
        }

        WriteLiteral("</td>");
        Cell(funnel.Delivered, "delivered");
        Cell(funnel.Started, "started");
        Cell(funnel.Completed, "completed");
        Cell(funnel.Partial, "partial");
        Cell(funnel.Failed, "failed");
    }

    private void Cell(int value, string column)
    {
        WriteLiteral("<td class=\"num\" data-col=\"");
        Write(column);
        WriteLiteral("\">");
        Write(Number(value));
        WriteLiteral("</td>");
    }

    private void WriteRateCell(Funnel funnel, bool low)
    {
        WriteLiteral("<td data-col=\"rate\">");
        if (funnel.ResponseRate is not { } rate)
        {
            WriteLiteral("<span class=\"sipas-rate\">—</span> <small>chưa có lời mời</small></td>");
            return;
        }

        WriteLiteral("<span class=\"sipas-rate\">");
        Write(rate.ToString("P1", Vietnamese));
        WriteLiteral("</span>");
        if (low)
        {
            WriteLiteral(" <span class=\"sipas-flag\">Thấp</span>");
        }

        WriteLiteral("<div class=\"sipas-bar\" aria-hidden=\"true\"><span style=\"width:");
        Write(Math.Round(rate * 100, 1).ToString(CultureInfo.InvariantCulture));
        WriteLiteral("%\"></span></div></td>");
    }

    private void WriteChannels(ResponseRateReport report)
    {
        WriteLiteral("<h2>Theo kênh</h2><div class=\"table-responsive\"><table class=\"table table-bordered\" id=\"sipas-channels\"><caption>Phễu phản hồi của phạm vi theo kênh</caption><thead><tr>");
        WriteLiteral("<th scope=\"col\">Kênh</th><th scope=\"col\" class=\"num\">Sự kiện</th><th scope=\"col\" class=\"num\">Đã mời</th><th scope=\"col\" class=\"num\">Đã nhận</th>");
        WriteLiteral("<th scope=\"col\" class=\"num\">Đã mở</th><th scope=\"col\" class=\"num\">Hoàn thành</th><th scope=\"col\" class=\"num\">Dở dang</th><th scope=\"col\" class=\"num\">Gửi lỗi</th><th scope=\"col\" class=\"num\">Tỷ lệ phản hồi</th></tr></thead><tbody>");
        foreach (var (channel, funnel) in report.ByChannel.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            WriteLiteral("<tr data-channel=\"");
            Write(channel);
            WriteLiteral("\"><th scope=\"row\">");
            Write(ChannelName(channel));
            WriteLiteral("</th>");
            Cell(funnel.Events, "events");
            Cell(funnel.Invited, "invited");
            Cell(funnel.Delivered, "delivered");
            Cell(funnel.Started, "started");
            Cell(funnel.Completed, "completed");
            Cell(funnel.Partial, "partial");
            Cell(funnel.Failed, "failed");
            WriteLiteral("<td class=\"num\" data-col=\"rate\">");
            Write(funnel.ResponseRate is { } rate ? rate.ToString("P1", Vietnamese) : "—");
            WriteLiteral("</td></tr>");
        }

        WriteLiteral("</tbody></table></div>");
    }

    private void WriteSkips(ResponseRateReport report)
    {
        WriteLiteral("<h2>Lời mời bị bỏ qua theo lý do</h2><table class=\"table table-bordered\" id=\"sipas-skips\"><caption>Số lời mời không gửi của phạm vi, theo lý do</caption>");
        WriteLiteral("<thead><tr><th scope=\"col\">Lý do</th><th scope=\"col\" class=\"num\">Số lời mời</th></tr></thead><tbody>");
        foreach (var (reason, count) in report.Skipped.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            WriteLiteral("<tr data-reason=\"");
            Write(reason);
            WriteLiteral("\"><th scope=\"row\">");
            Write(SkipReasonName(reason));
            WriteLiteral("</th><td class=\"num\">");
            Write(Number(count));
            WriteLiteral("</td></tr>");
        }

        if (report.Skipped.Count == 0)
        {
            WriteLiteral("<tr><td colspan=\"2\">Không có lời mời nào bị bỏ qua.</td></tr>");
        }

        WriteLiteral("</tbody></table>");
    }

    private static string Number(int value) => value.ToString("N0", Vietnamese);

    internal static string SkipReasonName(string reason) => Enum.TryParse<SkipReason>(reason, out var known) ? known switch
    {
        SkipReason.EventTooOld => "Sự kiện quá cũ",
        SkipReason.OptedOut => "Người dân đã từ chối nhận",
        SkipReason.RecentlySurveyed => "Vừa được khảo sát gần đây",
        SkipReason.PhoneNotMobile => "Không phải số di động",
        SkipReason.NoChannel => "Không có kênh gửi",
        _ => reason,
    } : reason;

    internal static string ChannelName(string channel) => Enum.TryParse<ChannelKind>(channel, out var known) ? known switch
    {
        ChannelKind.Simulator => "Mô phỏng",
        ChannelKind.Sms => "SMS",
        ChannelKind.Zalo => "Zalo",
        ChannelKind.Telegram => "Telegram",
        ChannelKind.Web => "Biểu mẫu web",
        _ => channel,
    } : "Chưa có kênh";
}
