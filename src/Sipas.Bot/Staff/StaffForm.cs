using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;
using Sipas.Bot.Http;

namespace Sipas.Bot.Staff;

/// <summary>A staff form post, read the one way every staff post is: a readable form body, then this browser's anti-forgery token.</summary>
public static class StaffForm
{
    /// <summary>The posted fields, or the page refusing the post (a cross-site post, an expired form, a body that is not a form).</summary>
    public static async Task<(IReadOnlyDictionary<string, StringValues>? Fields, PageResult? Refusal)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var read = await FormBody.ReadAsync(http, ct);
        if (read.Fields is null)
        {
            return (null, StaffPage.Render(http, "Không đọc được biểu mẫu", Paragraph(read.Problem!), read.Status));
        }

        if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return (null, StaffPage.Render(
                http, "Biểu mẫu đã hết hạn", Paragraph("Biểu mẫu đã hết hạn hoặc không được gửi từ trang của Sipas. Vui lòng tải lại trang và thử lại."), StatusCodes.Status400BadRequest));
        }

        return (read.Fields, null);
    }

    /// <summary>One field's single value, trimmed; null when absent, blank or repeated.</summary>
    public static string? Value(this IReadOnlyDictionary<string, StringValues> fields, string name) =>
        fields.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;

    private static Markup Paragraph(string text)
    {
        var html = new Html();
        html.Add($"<p>{text}</p>");
        return new Markup(html.ToString());
    }
}
