using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sipas.Bot.Channels.Sms;

/// <summary>How an SMS is encoded on the air: GSM-7 (160 per message, 153 per part) or UCS-2 (70, 67).</summary>
public enum SmsEncoding
{
    /// <summary>GSM 03.38 default alphabet with its extension table, 7 bits per character.</summary>
    Gsm7,

    /// <summary>16 bits per UTF-16 code unit; one character outside GSM 03.38 switches the whole message to it.</summary>
    Ucs2,
}

/// <summary>What an SMS text costs: its encoding, its length in that encoding's units and the number of parts billed.</summary>
/// <param name="Encoding">GSM-7 when every character is in GSM 03.38, else UCS-2.</param>
/// <param name="Units">GSM-7 septets (extension-table characters count 2) or UTF-16 code units of the NFC text.</param>
/// <param name="Segments">Parts the carrier bills: 160/153 for GSM-7, 70/67 for UCS-2; 0 for empty text.</param>
/// <param name="NonGsmCharacters">The characters that force UCS-2, distinct, in order of first appearance, for an editor to show.</param>
public sealed record SmsSegments(SmsEncoding Encoding, int Units, int Segments, IReadOnlyList<string> NonGsmCharacters);

/// <summary>
/// SMS text rules (docs/channels.md §5): Vietnamese diacritics removal, GSM 03.38 encoding choice and segment
/// counting. Vietnamese letters with diacritics are almost all outside GSM 03.38, so one of them makes a message
/// UCS-2 and more than doubles its cost; brandname customer-care SMS is usually sent without them.
/// </summary>
public static class SmsText
{
    /// <summary>GSM 03.38 basic table, 128 characters (§5.1), ESC included as the table lists it.</summary>
    internal const string GsmBasic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>GSM 03.38 extension table: each costs two septets (ESC + code). Form feed is 0x0A in it.</summary>
    internal const string GsmExtension = "^{}\\[~]|€\f";

    private const int GsmSingle = 160;
    private const int GsmPart = 153;
    private const int Ucs2Single = 70;
    private const int Ucs2Part = 67;

    private static readonly SearchValues<char> Basic = SearchValues.Create(GsmBasic);
    private static readonly SearchValues<char> Extension = SearchValues.Create(GsmExtension);

    /// <summary>Look-alike punctuation and invisible characters replaced the way GOV.UK Notify's sanitiser does (§5.4).</summary>
    private static readonly Dictionary<char, string> Replacements = new()
    {
        ['\u2011'] = "-", // non-breaking hyphen
        ['\u2013'] = "-", // en dash
        ['\u2014'] = "-", // em dash
        ['\u2212'] = "-", // minus sign
        ['\u2026'] = "...", // horizontal ellipsis
        ['\u2018'] = "'",
        ['\u2019'] = "'",
        ['\u201A'] = "'",
        ['\u201C'] = "\"",
        ['\u201D'] = "\"",
        ['\u201E'] = "\"",
        ['\u180E'] = "", // Mongolian vowel separator
        ['\u200B'] = "", // zero width space
        ['\u200C'] = "", // zero width non-joiner
        ['\u200D'] = "", // zero width joiner
        ['\u2060'] = "", // word joiner
        ['\uFEFF'] = "", // zero width no-break space (BOM)
        ['\u2028'] = "", // line separator
        ['\u2029'] = "", // paragraph separator
        ['\u00A0'] = " ", // no-break space
        ['\u202F'] = " ", // narrow no-break space
        ['\t'] = " ",
    };

    /// <summary>
    /// Vietnamese (or any Latin) text without diacritics, so it can go as GSM-7: full canonical decomposition, every
    /// non-spacing mark dropped, <c>đ→d</c> and <c>Đ→D</c> (đ has no decomposition), then Notify's replacements for
    /// dashes, curly quotes, the ellipsis, non-breaking spaces, tabs and zero-width characters. Recomposed to NFC.
    /// Characters with no such fallback (emoji, CJK) are left as they are; <see cref="Measure"/> reports them.
    /// </summary>
    public static string RemoveDiacritics(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = Normalize(text, NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            switch (c)
            {
                case 'đ':
                    result.Append('d');
                    break;
                // Ð (U+00D0, eth) is what legacy Vietnamese encodings often produce for Đ; it looks the same.
                case 'Đ' or 'Ð':
                    result.Append('D');
                    break;
                default:
                    if (Replacements.TryGetValue(c, out var replacement))
                    {
                        result.Append(replacement);
                    }
                    else
                    {
                        result.Append(c);
                    }

                    break;
            }
        }

        return Normalize(result.ToString(), NormalizationForm.FormC);
    }

    /// <summary>
    /// GSM-7 when every character of the NFC-normalised text is in the GSM 03.38 basic or extension table, else UCS-2.
    /// Normalising first matters: "ò" typed as o + combining grave is GSM once composed.
    /// </summary>
    public static SmsEncoding EncodingOf(string text) => Measure(text).Encoding;

    /// <summary>
    /// The encoding, length and number of billed parts of <paramref name="text"/>, measured on its NFC form.
    /// Parts are counted as length over 153 (or 67), as GOV.UK Notify does; a provider that never splits an
    /// extension character or a surrogate pair across parts may occasionally need one more.
    /// </summary>
    public static SmsSegments Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var nfc = Normalize(text, NormalizationForm.FormC);
        var septets = 0;
        var nonGsm = new List<string>();
        foreach (var rune in nfc.EnumerateRunes())
        {
            if (rune.IsBmp && Basic.Contains((char)rune.Value))
            {
                septets += 1;
            }
            else if (rune.IsBmp && Extension.Contains((char)rune.Value))
            {
                septets += 2;
            }
            else
            {
                var character = rune.ToString();
                if (!nonGsm.Contains(character))
                {
                    nonGsm.Add(character);
                }
            }
        }

        return nonGsm.Count == 0
            ? new SmsSegments(SmsEncoding.Gsm7, septets, Parts(septets, GsmSingle, GsmPart), [])
            : new SmsSegments(SmsEncoding.Ucs2, nfc.Length, Parts(nfc.Length, Ucs2Single, Ucs2Part), nonGsm);
    }

    private static int Parts(int units, int single, int part) =>
        units == 0 ? 0 : units <= single ? 1 : (units + part - 1) / part;

    /// <summary>Text with a lone surrogate cannot be normalised; it is measured as it is rather than throwing.</summary>
    private static string Normalize(string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }
}
