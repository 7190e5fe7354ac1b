using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sipas.Bot.Http;

/// <summary>A posted form's fields, or the status and Vietnamese message that answer a post that cannot be read.</summary>
public sealed record FormRead(IReadOnlyDictionary<string, StringValues>? Fields, int Status, string? Problem)
{
    public static FormRead Refused(int status, string problem) => new(null, status, problem);
}

/// <summary>
/// Reads a posted form (<c>application/x-www-form-urlencoded</c>, UTF-8) within a size limit, and makes it the
/// request's form, so the anti-forgery check reads the same fields without reading the body again.
/// </summary>
public static class FormBody
{
    /// <summary>Far above a full form with a 1,000-character comment in Vietnamese (about 10 KB once percent-encoded).</summary>
    public const int MaxBytes = 16 * 1024;

    private const int MaxFields = 64;

    public static async Task<FormRead> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || (media.Charset.Length > 0 && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return FormRead.Refused(StatusCodes.Status415UnsupportedMediaType, "Dữ liệu gửi lên không phải là một biểu mẫu.");
        }

        var body = await RequestBody.ReadAsync(request, MaxBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? FormRead.Refused(StatusCodes.Status413PayloadTooLarge, "Dữ liệu gửi lên quá lớn so với một biểu mẫu.")
                : FormRead.Refused(body.Problem.StatusCode, "Dữ liệu gửi lên bị lỗi hoặc không đầy đủ.");
        }

        if (!Utf8.IsValid(body.Value))
        {
            return FormRead.Refused(StatusCodes.Status400BadRequest, "Dữ liệu gửi lên không đọc được.");
        }

        Dictionary<string, StringValues> fields;
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body.Value)) { ValueCountLimit = MaxFields };
            fields = reader.ReadForm();
        }
        catch (InvalidDataException)
        {
            return FormRead.Refused(StatusCodes.Status400BadRequest, "Dữ liệu gửi lên có quá nhiều mục.");
        }

        http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(fields)));
        return new FormRead(fields, StatusCodes.Status200OK, null);
    }
}
