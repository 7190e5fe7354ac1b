using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Sipas.Bot.Http;

/// <summary>A fragment of markup written by our own code: the one thing <see cref="Html"/> writes without escaping.</summary>
public readonly record struct Markup(string Value)
{
    public static readonly Markup Empty = new("");
}

/// <summary>
/// Builds a page from interpolated strings in which every hole is HTML-escaped unless it is <see cref="Markup"/>:
/// <c>html.Add($"&lt;p&gt;{unitName}&lt;/p&gt;")</c> cannot inject markup, whatever the unit's name holds. Vietnamese
/// letters are written as themselves (UTF-8), not as numeric references, so the page stays small.
/// </summary>
public sealed class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    internal StringBuilder Builder { get; } = new(16 * 1024);

    public Html Add([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation markup) => this;

    public static string Escape(string? text) => text is null ? "" : Encoder.Encode(text);

    public override string ToString() => Builder.ToString();
}

/// <summary>Appends literals as written and escapes every hole (see <see cref="Html"/>).</summary>
[InterpolatedStringHandler]
public readonly ref struct HtmlInterpolation
{
    private readonly StringBuilder _builder;

    public HtmlInterpolation(int literalLength, int formattedCount, Html html)
    {
        _builder = html.Builder;
    }

    public void AppendLiteral(string literal) => _builder.Append(literal);

    public void AppendFormatted(string? text) => _builder.Append(Html.Escape(text));

    public void AppendFormatted(Markup markup) => _builder.Append(markup.Value);

    public void AppendFormatted(int number) => _builder.Append(number.ToString(CultureInfo.InvariantCulture));
}
