using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

/// <summary>What a citizen's chat reply says, read against the question waiting for it.</summary>
public abstract record Reply
{
    private Reply()
    {
    }

    /// <summary>A satisfaction rating, 1 (rất không hài lòng) to 5 (rất hài lòng).</summary>
    public sealed record Rating(int Value) : Reply;

    public sealed record YesNo(bool Yes) : Reply;

    /// <summary>BỎ QUA: the citizen passes on this question.</summary>
    public sealed record Skip : Reply;

    /// <summary>KHÔNG ÁP DỤNG, on an item that allows it.</summary>
    public sealed record NotApplicable : Reply;

    public sealed record Help : Reply;

    /// <summary>TỪ CHỐI: no more surveys, on any channel.</summary>
    public sealed record OptOut : Reply;

    /// <summary>ĐỒNG Ý: surveys are welcome again.</summary>
    public sealed record OptIn : Reply;

    /// <summary>Free text for a text item, cut to <see cref="ReplyParser.MaxTextLength"/> (<paramref name="Cut"/> says it was).</summary>
    public sealed record Text(string Value, bool Cut) : Reply;

    /// <summary>Several words sent to a rating question that name no rating: probably a comment.</summary>
    public sealed record LooksLikeComment(string Value) : Reply;

    public sealed record Unknown : Reply;
}

/// <summary>
/// Reads a citizen's reply the way people actually type on a phone: with or without diacritics (đ → d), in any
/// case, with extra spaces and punctuation, full-width digits, star emoji, polite words around the answer
/// ("dạ 5 ạ", "tôi hài lòng"), digits or words ("năm", "rất hài lòng", "k hl"). Pure: no state, no I/O.
/// Opt-out and opt-in words are read the same on every question and with no question at all; the rest depends on
/// what the waiting question expects, so "không" is "no" on a yes/no question, "no comment" on the comment, and not
/// understood on a rating (where "không hài lòng" is 2, never 4).
/// </summary>
public static partial class ReplyParser
{
    /// <summary>The longest comment kept from a chat; a longer one is cut and the citizen told.</summary>
    public const int MaxTextLength = Conversation.MaxCommentLength;

    /// <summary>Fewer words than this are never taken for a comment sent by mistake to a rating question.</summary>
    private const int CommentMinimumWords = 4;

    private static readonly HashSet<string> OptOutWords = ["tu choi", "tuchoi", "huy", "stop"];
    private static readonly HashSet<string> OptInWords = ["dong y", "dongy"];
    private static readonly HashSet<string> HelpWords = ["hd", "huong dan", "tro giup", "trogiup", "help", "giup", "giup do"];
    private static readonly HashSet<string> SkipWords = ["0", "bo qua", "boqua", "skip"];
    private static readonly HashSet<string> NotApplicableWords = ["9", "kad", "khong ap dung", "ko ap dung", "k ap dung", "kh ap dung"];
    private static readonly HashSet<string> YesWords = ["1", "co", "vang", "ok", "yes", .. OptInWords];
    private static readonly HashSet<string> NoWords = ["2", "khong", "ko", "k", "kh", "khong co", "no"];

    /// <summary>"Không" to "Ông/Bà có góp ý gì thêm không?" means no comment, not a comment that says "không".</summary>
    private static readonly HashSet<string> NoCommentWords = ["khong", "ko", "k", "kh", "khong co", "khong co gi", "khong gop y", "het", "no"];

    /// <summary>Words around an answer that change nothing: "dạ", "tôi", "bà", "thấy", "chấm" before it; "ạ", "nhé", "sao", "điểm" after it.</summary>
    private static readonly HashSet<string> LeadingFillers =
        ["da", "vang", "toi", "em", "minh", "chau", "con", "ong", "ba", "chu", "anh", "chi", "bac", "thay", "cho", "cham", "chon", "danh gia", "muc"];
    private static readonly HashSet<string> TrailingFillers = ["a", "nhe", "nha", "sao", "diem", "a nhe"];

    private static readonly Dictionary<string, int> RatingWords = BuildRatingWords();

    /// <summary>What <paramref name="text"/> says to a question of <paramref name="expects"/> (null: no question is waiting, only commands are read).</summary>
    public static Reply Parse(string text, ItemKind? expects, bool allowsNotApplicable = false)
    {
        var trimmed = text.Trim();
        var stars = CountStars(trimmed, out var withoutStars);
        var words = WithoutFillers(Normalize(withoutStars));

        if (OptOutWords.Contains(words))
        {
            return new Reply.OptOut();
        }

        if (OptInWords.Contains(words) && expects is not ItemKind.YesNo)
        {
            return new Reply.OptIn();
        }

        if (HelpWords.Contains(words) || (words.Length == 0 && withoutStars.Contains('?', StringComparison.Ordinal)))
        {
            return new Reply.Help();
        }

        if (SkipWords.Contains(words) || IsDash(withoutStars))
        {
            return expects is null ? new Reply.Unknown() : new Reply.Skip();
        }

        return expects switch
        {
            ItemKind.Scale => Rating(trimmed, words, stars, allowsNotApplicable),
            ItemKind.YesNo => YesWords.Contains(words) ? new Reply.YesNo(true) : NoWords.Contains(words) ? new Reply.YesNo(false) : new Reply.Unknown(),
            ItemKind.Text when NoCommentWords.Contains(words) => new Reply.Skip(),
            ItemKind.Text when trimmed.Length > 0 => Cut(trimmed),
            _ => new Reply.Unknown(),
        };
    }

    /// <summary>"Từ chối! " → "tu choi": compatibility-decomposed (full-width → ASCII), diacritics dropped (đ → d), lower case, punctuation as spaces, spaces collapsed.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
            {
                continue;
            }

            var letter = c switch
            {
                'đ' or 'Đ' or 'Ð' => 'd',
                _ when char.IsLetterOrDigit(c) => char.ToLowerInvariant(c),
                _ => ' ',
            };
            if (letter == ' ')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(letter);
        }

        return builder.ToString();
    }

    private static Reply Rating(string trimmed, string words, int stars, bool allowsNotApplicable)
    {
        if (NotApplicableWords.Contains(words))
        {
            return allowsNotApplicable ? new Reply.NotApplicable() : new Reply.Unknown();
        }

        if (words.Length == 0 && stars is >= 1 and <= 5)
        {
            return new Reply.Rating(stars);
        }

        if (RatingWords.TryGetValue(words, out var value) || OutOfFive(words, out value))
        {
            return new Reply.Rating(value);
        }

        return words.Split(' ').Length >= CommentMinimumWords && !NamesARating(words) ? new Reply.LooksLikeComment(Cut(trimmed).Value) : new Reply.Unknown();
    }

    /// <summary>"-" (or a dash of another width) alone: the usual way of leaving a field blank.</summary>
    private static bool IsDash(string text) => text.Length > 0 && text.Trim('-', '–', '—', ' ').Length == 0;

    /// <summary>"4/5" (normalized to "4 5").</summary>
    private static bool OutOfFive(string words, out int value)
    {
        var match = OutOfFivePattern().Match(words);
        value = match.Success ? match.Groups[1].Value[0] - '0' : 0;
        return match.Success;
    }

    /// <summary>Whether a longer reply holds a rating word somewhere ("hài lòng nhưng chờ lâu"): then it is not taken for a plain comment.</summary>
    private static bool NamesARating(string words) => RatingWordInside().IsMatch(words);

    private static Reply.Text Cut(string text)
    {
        if (text.Length <= MaxTextLength)
        {
            return new Reply.Text(text, Cut: false);
        }

        var length = char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return new Reply.Text(text[..length], Cut: true);
    }

    /// <summary>Counts ⭐, ★ and 🌟 and gives the text without them (nor the emoji variation selector).</summary>
    private static int CountStars(string text, out string rest)
    {
        var count = 0;
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is 0x2B50 or 0x2605 or 0x1F31F)
            {
                count++;
            }
            else if (rune.Value != 0xFE0F)
            {
                builder.Append(rune.ToString());
            }
        }

        rest = builder.ToString().Trim();
        return count;
    }

    /// <summary>
    /// Strips the filler words around an answer, trailing ones first so a number word is never taken for a filler
    /// ("ba sao" is 3 stars, "bà rất hài lòng" is 5).
    /// </summary>
    private static string WithoutFillers(string words)
    {
        while (true)
        {
            if (TrailingFillers.FirstOrDefault(f => words.EndsWith(" " + f, StringComparison.Ordinal)) is { } trailing)
            {
                words = words[..^(trailing.Length + 1)];
            }
            else if (LeadingFillers.FirstOrDefault(f => words.StartsWith(f + " ", StringComparison.Ordinal)) is { } leading)
            {
                words = words[(leading.Length + 1)..];
            }
            else
            {
                return words;
            }
        }
    }

    /// <summary>Every way of saying a rating: digits, number words, and the five answers with their usual abbreviations and negations.</summary>
    private static Dictionary<string, int> BuildRatingWords()
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["5"] = 5, ["4"] = 4, ["3"] = 3, ["2"] = 2, ["1"] = 1,
            ["nam"] = 5, ["bon"] = 4, ["ba"] = 3, ["hai"] = 2, ["mot"] = 1,
            ["binh thuong"] = 3, ["bt"] = 3,
        };
        string[] satisfied = ["hai long", "hl"];
        string[] not = ["khong", "ko", "k", "kh", "chua"];
        foreach (var word in satisfied)
        {
            words[word] = 4;
            words["rat " + word] = 5;
            foreach (var negation in not)
            {
                words[$"{negation} {word}"] = 2;
                words[$"rat {negation} {word}"] = 1;
            }
        }

        return words;
    }

    [GeneratedRegex(@"^([1-5]) 5$")]
    private static partial Regex OutOfFivePattern();

    [GeneratedRegex(@"(^| )([1-5]|hai long|hl|binh thuong|bt)( |$)")]
    private static partial Regex RatingWordInside();
}
