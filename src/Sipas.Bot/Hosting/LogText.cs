using System.Globalization;
using System.Text;

namespace Sipas.Bot.Hosting;

/// <summary>
/// Escapes what would break or disguise a plain log line: CR, LF and the other C0/C1 controls, line and paragraph
/// separators, bidirectional overrides and isolates, unpaired surrogates. Values from outside (source codes,
/// event ids, dossier codes) reach the log, and one of them must never forge a second line.
/// </summary>
public static class LogText
{
    public static void AppendEscaped(StringBuilder line, string? text)
    {
        if (text is null)
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                line.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (c == '\r')
            {
                line.Append("\\r");
            }
            else if (c == '\n')
            {
                line.Append("\\n");
            }
            else if (NeedsEscape(c))
            {
                line.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                line.Append(c);
            }
        }
    }

    public static string Escape(string text)
    {
        var line = new StringBuilder(text.Length);
        AppendEscaped(line, text);
        return line.ToString();
    }

    // A tab stays: it moves text along the line but cannot start a new one.
    private static bool NeedsEscape(char c) =>
        (c < '\u0020' && c != '\t') || c is (>= '\u007F' and <= '\u009F') or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || char.IsSurrogate(c);
}
