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

    public string Thanks(string unitName) => templates.Render("chat/thanks", new Dictionary<string, object?> { ["unit_name"] = unitName });

    public string OptedOut() => templates.Render("chat/opted-out", new Dictionary<string, object?>());

    public string NoSurvey() => templates.Render("chat/no-survey", new Dictionary<string, object?>());
}
