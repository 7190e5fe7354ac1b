using System.Globalization;

namespace Sipas.Bot.Http;

/// <summary>Whether a text may span lines: free text a person types may, codes, names and ids may not.</summary>
public enum TextShape
{
    Line,
    Paragraphs,
}

/// <summary>The outcome of checking one text: the trimmed value (null when blank) or why it is refused.</summary>
public readonly record struct TextCheck(string? Value, string? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// The one rule for text that comes from outside (bodies, query strings, headers), so every endpoint refuses the
/// same things: control characters (PostgreSQL cannot store NUL; CR/LF forge log lines), unpaired surrogates
/// (not text, and unencodable as UTF-8), bidirectional overrides and isolates (they make a code or name display
/// as something else) and noncharacters. Length is counted after trimming, in UTF-16 code units, which is never
/// less than PostgreSQL's count of characters, so a value that passes fits its column.
/// </summary>
public static class ExternalText
{
    public static TextCheck Check(string value, int maxLength, TextShape shape = TextShape.Line)
    {
        if (FindForbidden(value, shape) is { } found)
        {
            return new TextCheck(null, $"Must not contain control characters, unpaired surrogates, bidirectional overrides or noncharacters (found {found}).");
        }

        var text = value.Trim();
        if (text.Length > maxLength)
        {
            return new TextCheck(null, $"Must be at most {maxLength} characters.");
        }

        return new TextCheck(text.Length == 0 ? null : text, null);
    }

    /// <summary>Describes the first forbidden character (e.g. "U+0000 at position 3"), or null when there is none.</summary>
    public static string? FindForbidden(string value, TextShape shape = TextShape.Line)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var scalar = char.ConvertToUtf32(c, value[i + 1]);
                if (IsNoncharacter(scalar))
                {
                    return Describe(scalar, i);
                }

                i++;
                continue;
            }

            if (char.IsSurrogate(c) || IsForbidden(c, shape))
            {
                return Describe(c, i);
            }
        }

        return null;
    }

    /// <summary>True for a UTF-16 code unit that is not a surrogate and may not appear in text of this shape.</summary>
    public static bool IsForbidden(char c, TextShape shape) => c switch
    {
        '\t' or '\n' or '\r' => shape == TextShape.Line,
        < '\u0020' or (>= '\u007F' and <= '\u009F') => true,
        // Line and paragraph separators end a line in editors, JavaScript and some log viewers.
        '\u2028' or '\u2029' => shape == TextShape.Line,
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => true,
        _ => IsNoncharacter(c),
    };

    private static bool IsNoncharacter(int scalar) => scalar is >= 0xFDD0 and <= 0xFDEF || (scalar & 0xFFFE) == 0xFFFE;

    private static string Describe(int codeUnitOrScalar, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"U+{codeUnitOrScalar:X4} at position {position}");
}
