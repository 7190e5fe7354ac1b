using System.Globalization;
using System.Text;
using CsCheck;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>
/// A corpus of hostile strings and the generators that throw them at the service: control characters, NUL,
/// unpaired surrogates, bidirectional overrides, zero-width characters, very long strings, SQL, HTML, format
/// strings, path traversal, numbers and dates at the edges, and JSON values of the wrong type.
/// </summary>
public static class Hostile
{
    public static readonly string[] Corpus =
    [
        // Control characters and NUL.
        "\0", "a\0b", "0912345678\0", "\u0001", "\u0007", "\b", "\t", "a\tb", "\n", "\r", "\r\n",
        "x\r\n12:00:00 info: Sipas.Startup[0] forged line", "\u000B", "\u000C", "\u001B[31mred\u001B[0m", "\u001F", "\u007F", "\u0080", "\u0085",
        "\u009B", "\u009F",
        // Unpaired surrogates, alone, inside text, reversed, and half an emoji.
        "\uD800", "\uDFFF", "a\uD800b", "\uDC00\uD800", "\uD83D", "x\uDE00",
        // Bidirectional overrides and isolates; line and paragraph separators.
        "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "invoice\u202Etxt.exe", "\u2066", "\u2067", "\u2068", "\u2069", "a\u2028b", "\u2029",
        // Noncharacters, in the BMP and beyond it.
        "\uFDD0", "\uFDEF", "\uFFFE", "\uFFFF", "\uD83F\uDFFE", "\uDBFF\uDFFF",
        // Zero-width and invisible characters: text, so they are accepted and kept.
        "\u200B", "\u200C", "\u200D", "\uFEFF", "a\u200Bb", "\u2060", "\u00AD",
        // Ordinary but non-ASCII text that must come back unchanged.
        "Nguyễn Văn A", "UBND phường Hoàn Kiếm", "Đăng ký khai sinh", "😀", "👨‍👩‍👧", "\u00A0", "\u3000x\u3000", "e\u0301", "مرحبا", "שלום", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\uFFFD",
        // SQL.
        "'; DROP TABLE units; --", "' OR '1'='1", "\"; DELETE FROM dossiers; --", "1; SELECT pg_sleep(10)", "$$; DROP TABLE x; $$", "E'\\x00'",
        "%' AND 1=1 --", "\\'", "\\",
        // HTML and script.
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg/onload=alert(1)>", "&lt;&amp;&#0;", "javascript:alert(1)",
        // Format strings and template syntax (messages are rendered with Scriban).
        "{0}", "{0:X}", "{{}}", "%s%s%s%n", "%d", "${jndi:ldap://x/a}", "{{7*7}}", "{{ unit.name }}", "{Source}", "@{x}",
        // Path traversal and URLs.
        "../../etc/passwd", "..\\..\\windows\\win.ini", "/dev/null", "%2e%2e%2f", "file:///etc/passwd", "\\\\server\\share", "http://x/?a=1&b=2#c",
        // Numbers at the edges, as strings.
        "-1", "0", "2147483648", "-2147483649", "9223372036854775808", "1e309", "NaN", "Infinity", "-0", "0x7FFFFFFF", "١٢٣",
        // Dates at the edges, as strings.
        "0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.9999999+00:00", "0001-01-01T00:00:00+07:00",
        "1970-01-01T00:00:00Z", "2026-02-30T00:00:00+07:00", "2026-11-20T09:14:00", "2026-13-01", "2024-02-29", "2026-02-29", "1999-12-31", "2000-01-01",
        "2099-12-31", "2100-01-01", "2026-11-01", "2026-11-30",
        // Blank, quotes and JSON look-alikes.
        "", " ", "   ", " padded ", "null", "true", "{}", "[]", "\"", "\\u0000", "a@b.c",
        // Phones that are almost right.
        "0912345678", "+84 912 345 678", "0912345678\u202E", "０９１２３４５６７８",
        // Long strings.
        new string('a', 10_000), new string('a', 100_000), string.Concat(Enumerable.Repeat("ệ", 10_000)), string.Concat(Enumerable.Repeat("😀", 5_000)),
    ];

    /// <summary>JSON values of the wrong type where a string is expected, and some that are not JSON at all.</summary>
    public static readonly string[] WrongTypes =
    [
        "-1", "0", "2147483648", "1e309", "-0", "1.5", "true", "false", "[]", "[\"x\"]", "{}", "{\"a\":\"b\"}", "[[[[[]]]]]",
    ];

    public static readonly string[] NotJson = ["NaN", "Infinity", "undefined", "'single'", "01", "[1,]", new string('[', 70) + new string(']', 70)];

    private static readonly string[] Fragments = ["", "x", "Hà Nội ", " 000.00.70", "-", "igate", "CB-", "'", "<b>"];

    public static Gen<string> CorpusItem { get; } = Gen.OneOf(Corpus);

    /// <summary>Short strings drawn mostly from the troublesome ranges, mixed with Latin and Vietnamese letters.</summary>
    public static Gen<string> Noise { get; } = Gen.String[
        Gen.OneOf<char>(
            Gen.Char['\u0000', '\u0040'], Gen.Char['\u007E', '\u00A1'], Gen.Char['\u2000', '\u2070'], Gen.Char['\uD7F0', '\uE010'],
            Gen.Char['\uFDC0', '\uFDF0'], Gen.Char['\uFFF0', '\uFFFF'], Gen.Char['a', 'z'], Gen.Char['\u1EA0', '\u1EF9']),
        0, 24];

    /// <summary>A corpus item, alone or inside ordinary text; random noise; or a length at the field's limit.</summary>
    public static Gen<string> Text(int maxLength) => Gen.Frequency<string>(
        (5, CorpusItem),
        (2, Gen.Select(Gen.OneOf(Fragments), CorpusItem, Gen.OneOf(Fragments), (a, b, c) => a + b + c)),
        (3, Noise),
        (1, Gen.Select(Gen.Int[-1, 1], Gen.OneOf('x', 'ệ'), (delta, c) => new string(c, Math.Max(0, maxLength + delta)))));

    /// <summary>A value for a JSON field: mostly a string (escaped, or raw UTF-8), sometimes a wrong type or not JSON at all.</summary>
    public static Gen<JsonValue> Value(int maxLength) => Gen.Frequency<JsonValue>(
        (7, Gen.Select(Text(maxLength), Gen.Int[0, 3], (s, mode) => JsonValue.OfString(s, rawUtf8: mode == 0))),
        (2, Gen.OneOf(WrongTypes).Select(JsonValue.Token)),
        (1, Gen.OneOf("null").Select(JsonValue.Token)),
        (1, Gen.OneOf(NotJson).Select(t => new JsonValue(null, t, RawUtf8: false, IsJson: false))));

    /// <summary>
    /// The contract's rule, written independently of the service's: no C0/C1 controls (except TAB, CR and LF in
    /// multi-line text), no line separators in single-line text, no unpaired surrogates, no bidi overrides or
    /// isolates, no noncharacters.
    /// </summary>
    public static bool IsForbidden(string text, bool multiLine = false)
    {
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return true;
            }

            var v = rune.Value;
            var lineBreak = v is 0x09 or 0x0A or 0x0D or 0x2028 or 0x2029;
            if ((lineBreak && !multiLine)
                || (!lineBreak && (v < 0x20 || (v >= 0x7F && v <= 0x9F)))
                || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
                || (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFF) >= 0xFFFE)
            {
                return true;
            }

            index += used;
        }

        return false;
    }

    /// <summary>Percent-encodes for a query string; an unpaired surrogate becomes its three-byte (WTF-8) form, as a careless client would send it.</summary>
    public static string UrlEncode(string text)
    {
        var encoded = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            int scalar = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                scalar = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            if (scalar < 0x80 && (char.IsAsciiLetterOrDigit((char)scalar) || scalar is '-' or '_' or '.' or '~'))
            {
                encoded.Append((char)scalar);
                continue;
            }

            foreach (var b in Wtf8(scalar))
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>UTF-8, except that a surrogate code point is encoded too (which makes the bytes invalid UTF-8).</summary>
    public static byte[] Wtf8(int scalar) => scalar switch
    {
        < 0x80 => [(byte)scalar],
        < 0x800 => [(byte)(0xC0 | (scalar >> 6)), (byte)(0x80 | (scalar & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (scalar >> 12)), (byte)(0x80 | ((scalar >> 6) & 0x3F)), (byte)(0x80 | (scalar & 0x3F))],
        _ => [(byte)(0xF0 | (scalar >> 18)), (byte)(0x80 | ((scalar >> 12) & 0x3F)), (byte)(0x80 | ((scalar >> 6) & 0x3F)), (byte)(0x80 | (scalar & 0x3F))],
    };

    /// <summary>Shows a generated value readably in a failure message: escapes, and long strings cut short.</summary>
    public static string Show(string? text)
    {
        if (text is null)
        {
            return "null";
        }

        var shown = new StringBuilder("\"");
        foreach (var c in text.Length > 60 ? text[..60] : text)
        {
            shown.Append(c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return shown.Append(text.Length > 60 ? $"…\" ({text.Length} chars)" : "\"").ToString();
    }
}

/// <summary>
/// One JSON value as it goes on the wire: a string (escaped as \uXXXX, or as raw UTF-8 where a raw control
/// character makes it invalid JSON and a raw surrogate invalid UTF-8) or a raw token of another type.
/// </summary>
public sealed record JsonValue(string? Text, string? Raw, bool RawUtf8, bool IsJson)
{
    public static JsonValue OfString(string text, bool rawUtf8 = false) => new(text, null, rawUtf8, IsJson: !rawUtf8 || !HasRawInvalid(text));

    public static JsonValue Token(string raw) => new(null, raw, RawUtf8: false, IsJson: true);

    public bool IsNull => Raw == "null";

    public byte[] ToBytes()
    {
        if (Text is null)
        {
            return Encoding.UTF8.GetBytes(Raw!);
        }

        var bytes = new List<byte> { (byte)'"' };
        for (var i = 0; i < Text.Length; i++)
        {
            var c = Text[i];
            if (c is '"' or '\\')
            {
                bytes.Add((byte)'\\');
                bytes.Add((byte)c);
            }
            else if (RawUtf8 || c is >= ' ' and < '\u007F')
            {
                var scalar = char.IsHighSurrogate(c) && i + 1 < Text.Length && char.IsLowSurrogate(Text[i + 1]) ? char.ConvertToUtf32(c, Text[++i]) : c;
                bytes.AddRange(Hostile.Wtf8(scalar));
            }
            else
            {
                bytes.AddRange(Encoding.ASCII.GetBytes($"\\u{(int)c:x4}"));
            }
        }

        bytes.Add((byte)'"');
        return [.. bytes];
    }

    /// <summary>JSON forbids raw characters below U+0020 in a string; raw surrogates are not UTF-8.</summary>
    private static bool HasRawInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] < ' ')
            {
                return true;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Text is null ? $"{Raw}" : $"{Hostile.Show(Text)}{(RawUtf8 ? " (raw UTF-8)" : "")}";
}
