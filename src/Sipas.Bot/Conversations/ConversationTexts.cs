using Sipas.Bot.Http;
using Sipas.Bot.Templates;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

/// <summary>The words of the chat, all from the message templates so administrators can change them.</summary>
public sealed class ConversationTexts(MessageTemplates templates)
{
    public string Invitation(string unitName, string? procedureName, QuestionnaireItem first, int total) =>
        templates.Render("chat/invitation", new Dictionary<string, object?> { ["unit_name"] = unitName, ["procedure_name"] = procedureName })
        + "\n\n" + Question(first, total);

    public string Reminder(string unitName, string? procedureName, QuestionnaireItem waiting, int total) =>
        templates.Render("chat/reminder", new Dictionary<string, object?> { ["unit_name"] = unitName, ["procedure_name"] = procedureName })
        + "\n\n" + Question(waiting, total);

    public string Question(QuestionnaireItem item, int total) => templates.Render("chat/question", new Dictionary<string, object?>
    {
        ["number"] = item.Position,
        ["total"] = total,
        ["text"] = item.TextVi,
        ["kind"] = Names.Of(item.Kind),
        ["allows_not_applicable"] = item.AllowsNotApplicable,
    });

    public string InvalidAnswer(string answer, QuestionnaireItem item, int total) =>
        templates.Render("chat/invalid-answer", new Dictionary<string, object?> { ["answer"] = answer.Length <= 40 ? answer : answer[..40] + "…" })
        + "\n" + Question(item, total);

    /// <summary>The invitation a one-way provider carries (an SMS): the web form's link instead of a question.</summary>
    public string LinkInvitation(IReadOnlyDictionary<string, string> data) => templates.Render("sms/invitation", AsModel(data));

    public string LinkReminder(IReadOnlyDictionary<string, string> data) => templates.Render("sms/reminder", AsModel(data));

    /// <summary>The answers to offer as buttons where the provider has them; a free-text item has none.</summary>
    public static IReadOnlyList<MessageChoice> Choices(QuestionnaireItem item) => item.Kind switch
    {
        ItemKind.Scale => [.. ScaleChoices(item.AllowsNotApplicable)],
        ItemKind.YesNo => [new("Có", "1"), new("Không", "2"), new("Bỏ qua", "0")],
        _ => [],
    };

    private static IEnumerable<MessageChoice> ScaleChoices(bool allowsNotApplicable)
    {
        for (var value = 1; value <= 5; value++)
        {
            yield return new MessageChoice(value.ToString(System.Globalization.CultureInfo.InvariantCulture), value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (allowsNotApplicable)
        {
            yield return new MessageChoice("Không áp dụng", "9");
        }

        yield return new MessageChoice("Bỏ qua", "0");
    }

    private static Dictionary<string, object?> AsModel(IReadOnlyDictionary<string, string> data) => data.ToDictionary(p => p.Key, p => (object?)p.Value);

    public string Thanks(string unitName) => templates.Render("chat/thanks", new Dictionary<string, object?> { ["unit_name"] = unitName });

    public string OptedOut() => templates.Render("chat/opted-out", new Dictionary<string, object?>());

    public string NoSurvey() => templates.Render("chat/no-survey", new Dictionary<string, object?>());
}
