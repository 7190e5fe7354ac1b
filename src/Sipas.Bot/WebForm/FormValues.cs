using System.Globalization;
using Microsoft.Extensions.Primitives;
using Sipas.Bot.Http;
using Sipas.Bot.Surveys;
using Sipas.Data.Model;

namespace Sipas.Bot.WebForm;

/// <summary>
/// How an answer travels in the form: a scale item's radio value is 1–5 or <c>na</c> (không áp dụng), a yes/no item's
/// is <c>yes</c> or <c>no</c>, a text item's is the text. A field left out is a question not answered.
/// </summary>
public static class FormValues
{
    public const string NotApplicable = "na";
    public const string Yes = "yes";
    public const string No = "no";

    /// <summary>The comment's limit, in characters as the citizen sees them (line breaks count once).</summary>
    public const int MaxCommentLength = 1000;

    public static string? Of(AnswerKind kind, int? value, string? text) => kind switch
    {
        AnswerKind.Scale when value is >= 1 and <= 5 => value.Value.ToString(CultureInfo.InvariantCulture),
        AnswerKind.NotApplicable => NotApplicable,
        AnswerKind.YesNo => value == 1 ? Yes : No,
        AnswerKind.Text => text,
        _ => null,
    };

    /// <summary>
    /// The answers a posted form gives, checked against the questionnaire: only its items, one value each, each value
    /// one the item allows. <see cref="FormAnswers.Errors"/> lists what is wrong, in Vietnamese, for the page.
    /// </summary>
    public static FormAnswers Read(IReadOnlyList<QuestionnaireItem> items, IReadOnlyDictionary<string, StringValues> fields, string antiforgeryField)
    {
        var byCode = items.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var answers = new List<ItemAnswer>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (name, posted) in fields)
        {
            if (name == antiforgeryField)
            {
                continue;
            }

            if (!byCode.TryGetValue(name, out var item))
            {
                errors.Add("Biểu mẫu gửi lên có mục không thuộc phiếu khảo sát này.");
                continue;
            }

            if (posted.Count != 1)
            {
                errors.Add($"Câu “{Short(item.TextVi)}” có nhiều hơn một câu trả lời.");
                continue;
            }

            var value = posted[0] ?? "";
            if (item.Kind == ItemKind.Text)
            {
                ReadText(item, value, answers, values, errors);
            }
            else if (value.Length > 0)
            {
                if (Choice(item, value) is { } answer)
                {
                    answers.Add(answer);
                    values[item.Code] = value;
                }
                else
                {
                    errors.Add($"Câu trả lời cho câu “{Short(item.TextVi)}” không hợp lệ.");
                }
            }
        }

        return new FormAnswers(answers, values, [.. errors.Distinct(StringComparer.Ordinal)]);
    }

    private static ItemAnswer? Choice(QuestionnaireItem item, string value) => (item.Kind, value) switch
    {
        (ItemKind.Scale, NotApplicable) when item.AllowsNotApplicable => new ItemAnswer(item.Code, AnswerKind.NotApplicable),
        (ItemKind.Scale, { Length: 1 } digit) when digit[0] is >= '1' and <= '5' => new ItemAnswer(item.Code, AnswerKind.Scale, digit[0] - '0'),
        (ItemKind.YesNo, Yes) => new ItemAnswer(item.Code, AnswerKind.YesNo, 1),
        (ItemKind.YesNo, No) => new ItemAnswer(item.Code, AnswerKind.YesNo, 0),
        _ => null,
    };

    private static void ReadText(QuestionnaireItem item, string value, List<ItemAnswer> answers, Dictionary<string, string> values, List<string> errors)
    {
        // Browsers send a textarea's line breaks as CRLF but count them once against maxlength.
        var text = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        values[item.Code] = text;
        var check = ExternalText.Check(text, MaxCommentLength, TextShape.Paragraphs);
        if (!check.IsValid)
        {
            var length = text.Trim().Length;
            errors.Add(length > MaxCommentLength
                ? string.Create(CultureInfo.InvariantCulture, $"Góp ý dài {length} ký tự; xin rút gọn còn tối đa 1.000 ký tự.")
                : "Góp ý có ký tự điều khiển không hiển thị được; xin nhập lại nội dung.");
        }
        else if (check.Value is { } comment)
        {
            answers.Add(new ItemAnswer(item.Code, AnswerKind.Text, Text: comment));
        }
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..57] + "…";
}

/// <summary>The answers of a posted form, the values to show again, and what was wrong with it.</summary>
public sealed record FormAnswers(IReadOnlyList<ItemAnswer> Answers, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
