using Sipas.Bot.Http;
using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.WebForm;

/// <summary>
/// Every page a citizen sees at <c>/s/{code}</c>, in Vietnamese, built with <see cref="Html"/> (every value escaped):
/// one small self-contained document each, inline CSS only, no script, no web font, readable from 320 px wide.
/// </summary>
public sealed class SurveyPages(SendWindow window)
{
    public const string ThanksPath = "cam-on";
    public const string OptOutPath = "tu-choi";

    /// <summary>About five seconds a rating item: the form says how long it takes.</summary>
    private static readonly TimeSpan TimePerItem = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, string> DimensionNames = new(StringComparer.Ordinal)
    {
        [QuestionnaireSeed.Dimensions.Overall] = "Đánh giá chung",
        [QuestionnaireSeed.Dimensions.Access] = "Tiếp cận dịch vụ",
        [QuestionnaireSeed.Dimensions.Procedure] = "Thủ tục hành chính",
        [QuestionnaireSeed.Dimensions.Official] = "Công chức trực tiếp giải quyết công việc",
        [QuestionnaireSeed.Dimensions.Result] = "Kết quả giải quyết thủ tục hành chính",
        [QuestionnaireSeed.Dimensions.Feedback] = "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
    };

    private static readonly (string Value, string Label)[] Scale =
    [
        ("1", "Rất không hài lòng"),
        ("2", "Không hài lòng"),
        ("3", "Bình thường"),
        ("4", "Hài lòng"),
        ("5", "Rất hài lòng"),
    ];

    /// <summary>Colours chosen for WCAG 2.2 AA: text 4.5:1 or more on its background, controls and focus rings 3:1 or more.</summary>
    private const string Style = """
        *{box-sizing:border-box}
        body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2733;background:#f3f5f8}
        header{background:#8e1616;color:#fff;padding:.75rem 1rem}
        header p{margin:0 auto;max-width:40rem;font-weight:600}
        main{max-width:40rem;margin:0 auto;padding:1rem .75rem 2rem}
        h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 1rem}
        h2{font-size:1.1rem;margin:0 0 .5rem}
        p{margin:0 0 .75rem}
        .card,.dim{background:#fff;border:1px solid #c9d1db;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
        fieldset{border:0;margin:0;padding:0;min-width:0}
        .dim>legend{float:left;width:100%;font-weight:700;font-size:1.1rem;margin:0 0 .75rem;padding:0}
        .q{clear:both;margin:0 0 1.25rem}
        .q:last-child{margin-bottom:0}
        .q>legend{font-weight:600;margin:0 0 .4rem;padding:0}
        .opt{display:flex;align-items:center;gap:.6rem;min-height:2.75rem;padding:.35rem .6rem;margin:.3rem 0;border:1px solid #6b7785;border-radius:.4rem;background:#fff;cursor:pointer}
        .opt input{width:1.25rem;height:1.25rem;margin:0;flex:none;accent-color:#8e1616}
        .opt:has(input:checked){border:2px solid #8e1616;background:#fbeaea}
        .opt:has(input:focus-visible){outline:3px solid #0b4f9c;outline-offset:2px}
        :focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
        label.c{display:block;font-weight:600;margin:0 0 .4rem}
        textarea{display:block;width:100%;min-height:7rem;font:inherit;padding:.5rem;border:1px solid #6b7785;border-radius:.4rem}
        button,.btn{display:inline-block;font:inherit;font-weight:700;color:#fff;background:#8e1616;border:0;border-radius:.4rem;padding:.7rem 1.25rem;min-height:2.75rem;text-decoration:none;cursor:pointer}
        .wide{width:100%}
        a{color:#0b4f9c}
        .alert{border:2px solid #b3261e;background:#fdecea;padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}
        .alert ul{margin:.25rem 0 0;padding-left:1.25rem}
        .note{font-size:.95rem;color:#3d4854}
        .note ul{margin:0 0 .75rem;padding-left:1.25rem}
        """;

    /// <summary>The form; with <paramref name="errors"/>, shown again (400) with what the citizen chose, above a list of what to fix.</summary>
    public PageResult Form(SurveyInvitation invitation, IReadOnlyList<QuestionnaireItem> items, AntiforgeryTokenSet tokens, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> errors)
    {
        var html = Start("Khảo sát sự hài lòng", invitation.UnitName);
        html.Add($"<h1>Khảo sát sự hài lòng về giải quyết thủ tục hành chính</h1>");
        About(html, invitation, items);
        if (errors.Count > 0)
        {
            html.Add($"<div class=\"alert\" role=\"alert\" id=\"loi\"><p><strong>Phiếu chưa được gửi.</strong> Xin Ông/Bà xem lại:</p><ul>");
            foreach (var error in errors)
            {
                html.Add($"<li>{error}</li>");
            }

            html.Add($"</ul></div>");
        }

        html.Add($"<form method=\"post\" action=\"/s/{invitation.Code}\"><input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
        var number = 0;
        foreach (var group in Groups(items))
        {
            html.Add($"<fieldset class=\"dim\"><legend>{DimensionNames.GetValueOrDefault(group.Key, group.Key)}</legend>");
            foreach (var item in group)
            {
                number++;
                Question(html, item, number, values.GetValueOrDefault(item.Code));
            }

            html.Add($"</fieldset>");
        }

        foreach (var comment in items.Where(i => i.Kind == ItemKind.Text))
        {
            html.Add($"<div class=\"dim\"><label class=\"c\" for=\"{comment.Code}\">{comment.TextVi}</label>");
            html.Add($"<textarea id=\"{comment.Code}\" name=\"{comment.Code}\" maxlength=\"{FormValues.MaxCommentLength}\" rows=\"5\" aria-describedby=\"{comment.Code}-g\">{values.GetValueOrDefault(comment.Code)}</textarea>");
            html.Add($"<p class=\"note\" id=\"{comment.Code}-g\">Không bắt buộc, tối đa 1.000 ký tự. Xin đừng ghi họ tên, số điện thoại hay số giấy tờ.</p></div>");
        }

        html.Add($"<button type=\"submit\" class=\"wide\">Gửi ý kiến</button></form>");
        Privacy(html, invitation);
        return End(html, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public PageResult Unknown()
    {
        var html = Start("Không tìm thấy phiếu khảo sát", null);
        html.Add($"<h1>Không tìm thấy phiếu khảo sát</h1><div class=\"card\"><p>Đường dẫn Ông/Bà mở không đúng hoặc không còn được sử dụng.</p>");
        html.Add($"<p>Xin kiểm tra lại đường dẫn trong tin nhắn mời khảo sát (chữ hoa và chữ thường khác nhau). Nếu cần hỗ trợ, xin liên hệ bộ phận một cửa nơi Ông/Bà đã nhận kết quả.</p></div>");
        return End(html, StatusCodes.Status404NotFound);
    }

    public PageResult Closed(SurveyInvitation invitation)
    {
        var html = Start("Đợt khảo sát đã kết thúc", invitation.UnitName);
        html.Add($"<h1>Đợt khảo sát đã kết thúc</h1><div class=\"card\"><p>Thời hạn trả lời phiếu khảo sát về hồ sơ này đã hết nên phiếu không còn nhận ý kiến.</p>");
        html.Add($"<p>Cảm ơn Ông/Bà đã quan tâm. Ông/Bà vẫn có thể góp ý trực tiếp với {invitation.UnitName}.</p></div>");
        return End(html, StatusCodes.Status410Gone);
    }

    /// <summary>A form submitted after the window closed: kept, as the method keeps late answers, but not counted.</summary>
    public PageResult RecordedLate(SurveyInvitation invitation)
    {
        var html = Start("Đợt khảo sát đã kết thúc", invitation.UnitName);
        html.Add($"<h1>Đợt khảo sát đã kết thúc</h1><div class=\"card\"><p>Phiếu được gửi sau khi hết thời hạn trả lời. Ý kiến của Ông/Bà đã được lưu lại để đơn vị tham khảo nhưng không được tính vào chỉ số hài lòng của đợt này.</p>");
        html.Add($"<p>Cảm ơn Ông/Bà đã dành thời gian góp ý.</p></div>");
        return End(html, StatusCodes.Status410Gone);
    }

    public PageResult AlreadyRecorded(SurveyInvitation invitation)
    {
        var html = Start("Ý kiến đã được ghi nhận", invitation.UnitName);
        html.Add($"<h1>Ý kiến của Ông/Bà đã được ghi nhận</h1><div class=\"card\"><p>Phiếu khảo sát về hồ sơ này đã được trả lời trước đó nên không cần gửi lại. Mỗi hồ sơ chỉ được tính một phiếu.</p>");
        WhatHappensNext(html, invitation);
        html.Add($"</div>");
        return End(html, StatusCodes.Status200OK);
    }

    public PageResult Thanks(SurveyInvitation invitation)
    {
        var html = Start("Cảm ơn Ông/Bà", invitation.UnitName);
        html.Add($"<h1>Trân trọng cảm ơn Ông/Bà</h1><div class=\"card\"><p>Ý kiến của Ông/Bà đã được ghi nhận.</p>");
        WhatHappensNext(html, invitation);
        html.Add($"</div>");
        return End(html, StatusCodes.Status200OK);
    }

    public PageResult ConfirmOptOut(SurveyInvitation invitation, AntiforgeryTokenSet tokens)
    {
        var html = Start("Từ chối nhận khảo sát", invitation.UnitName);
        html.Add($"<h1>Từ chối nhận khảo sát</h1><div class=\"card\"><p>Nếu xác nhận, Ông/Bà sẽ không nhận thêm lời mời khảo sát nào qua tin nhắn hay ứng dụng nhắn tin, về hồ sơ này và các hồ sơ sau.</p>");
        html.Add($"<form method=\"post\" action=\"/s/{invitation.Code}/{OptOutPath}\"><input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
        html.Add($"<p><button type=\"submit\">Xác nhận từ chối</button></p></form>");
        html.Add($"<p><a href=\"/s/{invitation.Code}\">Quay lại phiếu khảo sát</a></p></div>");
        return End(html, StatusCodes.Status200OK);
    }

    public PageResult OptedOut(SurveyInvitation invitation)
    {
        var html = Start("Đã ghi nhận yêu cầu từ chối", invitation.UnitName);
        html.Add($"<h1>Đã ghi nhận yêu cầu từ chối</h1><div class=\"card\"><p>Ông/Bà sẽ không nhận thêm lời mời khảo sát. Các cuộc khảo sát đang mở với Ông/Bà đã dừng.</p>");
        html.Add($"<p>Nếu đổi ý, Ông/Bà có thể trả lời DONG Y vào tin nhắn khảo sát, hoặc liên hệ {invitation.UnitName}. Để yêu cầu xóa dữ liệu, xin liên hệ {invitation.UnitName}.</p></div>");
        return End(html, StatusCodes.Status200OK);
    }

    /// <summary>A post that cannot be read (too large, not a form, broken): nothing was stored, and the way back is one link.</summary>
    public PageResult BadPost(int status, string problem, string code)
    {
        var html = Start("Không gửi được phiếu", null);
        html.Add($"<h1>Không gửi được phiếu khảo sát</h1><div class=\"card\"><p>{problem} Chưa có câu trả lời nào được lưu.</p>");
        AskToSendAgain(html, code);
        return End(html, status);
    }

    /// <summary>A post without this browser's anti-forgery token: sent from another site, replayed, or from a page kept open too long.</summary>
    public PageResult Forged(string code)
    {
        var html = Start("Phiếu không hợp lệ", null);
        html.Add($"<h1>Phiếu gửi lên không hợp lệ</h1><div class=\"card\"><p>Chúng tôi không xác nhận được phiếu này được gửi từ trang khảo sát của Ông/Bà (có thể trang đã mở quá lâu hoặc được gửi từ nơi khác). Chưa có câu trả lời nào được lưu.</p>");
        AskToSendAgain(html, code);
        return End(html, StatusCodes.Status400BadRequest);
    }

    /// <summary>The way back after a post that was not stored: the form again, when the code could be one.</summary>
    private static void AskToSendAgain(Html html, string code) =>
        html.Add($"<p><a href=\"/s/{(SurveyInvitations.IsWellFormed(code) ? code : "")}\">Mở lại phiếu khảo sát</a> và gửi lại giúp chúng tôi.</p></div>");

    public static PageResult TooManyRequests(TimeSpan retryAfter)
    {
        var html = Start("Xin thử lại sau", null);
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        html.Add($"<h1>Xin thử lại sau ít phút</h1><div class=\"card\"><p>Có quá nhiều yêu cầu từ mạng của Ông/Bà trong thời gian ngắn. Xin đợi khoảng {minutes} phút rồi mở lại đường dẫn khảo sát.</p></div>");
        return End(html, StatusCodes.Status429TooManyRequests);
    }

    private void About(Html html, SurveyInvitation invitation, IReadOnlyList<QuestionnaireItem> items)
    {
        var returned = TimeZoneInfo.ConvertTime(invitation.ReturnedAt, window.Zone).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        var rated = items.Count(i => i.Kind != ItemKind.Text);
        var minutes = Math.Max(1, (int)Math.Round(rated * TimePerItem.TotalMinutes));
        html.Add($"<div class=\"card\"><p><strong>{invitation.UnitName}</strong> trân trọng mời Ông/Bà cho biết mức độ hài lòng về việc giải quyết ");
        if (invitation.ProcedureName is { } procedure)
        {
            html.Add($"thủ tục <strong>{procedure}</strong>");
        }
        else
        {
            html.Add($"hồ sơ của Ông/Bà");
        }

        html.Add($", trả kết quả ngày <strong>{returned}</strong>.</p>");
        html.Add($"<p>Phiếu có {rated} câu, mất khoảng {minutes} phút. Việc tham gia là tự nguyện: Ông/Bà có thể bỏ qua câu bất kỳ; các câu đã trả lời vẫn được tính.</p></div>");
    }

    private static void Question(Html html, QuestionnaireItem item, int number, string? chosen)
    {
        html.Add($"<fieldset class=\"q\"><legend>{number}. {item.TextVi}</legend>");
        if (item.Kind == ItemKind.YesNo)
        {
            Option(html, item.Code, FormValues.Yes, "Có", chosen);
            Option(html, item.Code, FormValues.No, "Không", chosen);
        }
        else
        {
            foreach (var (value, label) in Scale)
            {
                Option(html, item.Code, value, $"{value} – {label}", chosen);
            }

            if (item.AllowsNotApplicable)
            {
                Option(html, item.Code, FormValues.NotApplicable, "Không áp dụng", chosen);
            }
        }

        html.Add($"</fieldset>");
    }

    private static void Option(Html html, string name, string value, string label, string? chosen) =>
        html.Add($"<label class=\"opt\"><input type=\"radio\" name=\"{name}\" value=\"{value}\"{(value == chosen ? new Markup(" checked") : Markup.Empty)}>{label}</label>");

    /// <summary>The headline question first (sipas-method.md §3), then each dimension's items in questionnaire order; free text goes last.</summary>
    private static IEnumerable<IGrouping<string, QuestionnaireItem>> Groups(IReadOnlyList<QuestionnaireItem> items) =>
        items.Where(i => i.Kind != ItemKind.Text)
            .OrderBy(i => i.Code == QuestionnaireSeed.OverallItem ? 0 : 1)
            .ThenBy(i => i.Position)
            .GroupBy(i => i.Dimension, StringComparer.Ordinal);

    private static void Privacy(Html html, SurveyInvitation invitation)
    {
        html.Add($"<section class=\"card note\" aria-labelledby=\"bm\"><h2 id=\"bm\">Bảo vệ dữ liệu cá nhân</h2><ul>");
        html.Add($"<li><strong>Mục đích:</strong> đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước.</li>");
        html.Add($"<li><strong>Dữ liệu được lưu:</strong> câu trả lời của Ông/Bà, tổng hợp ẩn danh; số điện thoại chỉ dùng để gửi lời mời và chỉ được giữ đến khi đợt khảo sát kết thúc, theo thời hạn lưu trữ của đơn vị.</li>");
        html.Add($"<li><strong>Quyền của Ông/Bà</strong> theo Luật Bảo vệ dữ liệu cá nhân năm 2025 (Luật số 91/2025/QH15): từ chối tham gia, rút lại sự đồng ý, yêu cầu xóa dữ liệu — liên hệ {invitation.UnitName}.</li></ul>");
        html.Add($"<p><a href=\"/s/{invitation.Code}/{OptOutPath}\">Từ chối nhận khảo sát</a></p></section>");
    }

    private static void WhatHappensNext(Html html, SurveyInvitation invitation)
    {
        html.Add($"<p>Câu trả lời được tổng hợp ẩn danh vào Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) của {invitation.UnitName}, được công bố định kỳ. Góp ý của Ông/Bà được chuyển tới đơn vị để cải thiện chất lượng phục vụ, không kèm tên hay số điện thoại của Ông/Bà.</p>");
        html.Add($"<p>Ông/Bà có thể đóng trang này.</p>");
    }

    private static Html Start(string title, string? unitName)
    {
        var html = new Html();
        html.Add($"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // An empty icon: without it every browser asks for /favicon.ico, one more round trip on a slow connection.
        html.Add($"<link rel=\"icon\" href=\"data:,\">");
        html.Add($"<title>{title} — {unitName ?? "Sipas"}</title><style>{new Markup(Style)}</style></head><body>");
        html.Add($"<header><p>{unitName ?? "Khảo sát sự hài lòng của người dân"}</p></header><main>");
        return html;
    }

    private static PageResult End(Html html, int status)
    {
        html.Add($"</main></body></html>");
        return new PageResult(status, html.ToString());
    }
}
