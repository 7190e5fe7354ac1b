using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Support;

/// <summary>
/// A citizen's browser on the short-link web form, over plain HTTP: it opens <c>/s/{code}</c> (keeping the
/// anti-forgery cookie, as a browser does) and posts the form with the page's token.
/// </summary>
public sealed partial class SurveyForm(HttpClient client, string code)
{
    public const string TokenField = "af";

    public string Code => code;

    public string Path => "/s/" + code;

    /// <summary>Opens the form; returns the status, the page and the anti-forgery token it carries (null on pages without a form).</summary>
    public async Task<(HttpStatusCode Status, string Html, string? Token)> OpenAsync(string? path = null)
    {
        using var response = await client.GetAsync(path ?? Path);
        var html = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, html, TokenOf(html));
    }

    /// <summary>Opens the form for its token, then posts the fields with it, as the page's submit button would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(IEnumerable<KeyValuePair<string, string>> fields, string? path = null)
    {
        var (status, html, token) = await OpenAsync(path is null ? null : Path + "/" + path);
        Assert.True(token is not null, $"No form on the page ({(int)status}): {html}");
        return await PostAsync([new(TokenField, token!), .. fields], path);
    }

    /// <summary>Posts exactly these fields (no token added): what a forged or broken post sends.</summary>
    public Task<HttpResponseMessage> PostAsync(IEnumerable<KeyValuePair<string, string>> fields, string? path = null) =>
        client.PostAsync(path is null ? Path : Path + "/" + path, new FormUrlEncodedContent(fields));

    public static string? TokenOf(string html) => TokenInput().Match(html) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The code of an invitation the test created.</summary>
    public static async Task<string> CodeOfAsync(string connectionString, Guid invitationId)
    {
        await using var db = TestDatabase.Open(connectionString);
        return await db.Invitations.Where(i => i.Id == invitationId).Select(i => i.Code).SingleAsync();
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"" + TokenField + "\" value=\"([^\"]+)\">")]
    private static partial Regex TokenInput();
}
