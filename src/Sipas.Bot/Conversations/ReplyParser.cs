using System.Globalization;
using System.Text;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

/// <summary>Reads a citizen's chat reply: a digit, a keyword, or free text. Diacritics and case are ignored.</summary>
public static class ReplyParser
{
    private static readonly HashSet<string> OptOutWords = ["TU CHOI", "TUCHOI", "HUY", "STOP"];
    private static readonly HashSet<string> SkipWords = ["0", "BO QUA", "BOQUA"];
    private static readonly HashSet<string> NotApplicableWords = ["9", "KHONG AP DUNG", "KAD"];

    public static bool IsOptOut(string text) => OptOutWords.Contains(Normalize(text));

    public static ParsedReply Parse(string text, QuestionnaireItem item)
    {
        var normalized = Normalize(text);
        if (SkipWords.Contains(normalized))
        {
            return new ParsedReply(AnswerKind.Skipped, null, null);
        }

        switch (item.Kind)
        {
            case ItemKind.Scale when normalized.Length == 1 && normalized[0] is >= '1' and <= '5':
                return new ParsedReply(AnswerKind.Scale, normalized[0] - '0', null);
            case ItemKind.Scale when item.AllowsNotApplicable && NotApplicableWords.Contains(normalized):
                return new ParsedReply(AnswerKind.NotApplicable, null, null);
            case ItemKind.YesNo when normalized is "1" or "CO":
                return new ParsedReply(AnswerKind.YesNo, 1, null);
            case ItemKind.YesNo when normalized is "2" or "KHONG":
                return new ParsedReply(AnswerKind.YesNo, 0, null);
            case ItemKind.Text when normalized.Length > 0:
                var comment = text.Trim();
                return new ParsedReply(AnswerKind.Text, null, comment.Length <= 2000 ? comment : comment[..2000]);
            default:
                return ParsedReply.Invalid;
        }
    }

    /// <summary>"Từ chối! " → "TU CHOI": strips diacritics (đ → d) and surrounding punctuation, collapses spaces, upper-cases.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Trim().Trim('.', ',', '!', '?', '*', '#', '"', '\'', '(', ')').Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var lastWasSpace = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var isSpace = char.IsWhiteSpace(c);
            if (isSpace && lastWasSpace)
            {
                continue;
            }

            builder.Append(c switch { 'đ' or 'Đ' => 'D', _ => isSpace ? ' ' : char.ToUpperInvariant(c) });
            lastWasSpace = isSpace;
        }

        return builder.ToString();
    }
}

public sealed record ParsedReply(AnswerKind? Kind, int? Value, string? Text)
{
    public static readonly ParsedReply Invalid = new(null, null, null);

    public bool IsValid => Kind is not null;
}
