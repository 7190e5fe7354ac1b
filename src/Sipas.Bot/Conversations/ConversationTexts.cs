using System.Globalization;
using Sipas.Bot.Http;
using Sipas.Bot.Templates;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

/// <summary>The words of the chat, all from the message templates (<c>templates/chat/</c>) so administrators can change them.</summary>
public sealed class ConversationTexts(MessageTemplates templates)
{
    /// <summary>How much of a citizen's own words a reply quotes back.</summary>
    private const int QuoteLength = 40;
    private const int CommentQuoteLength = 120;

    /// <summary>The greeting naming the dossier (unit, procedure, date of return), then the first question.</summary>
    /// <param name="data">The invitation's template data (<see cref="InvitationTemplateData"/>).</param>
    public string Invitation(IReadOnlyDictionary<string, string> data, QuestionnaireItem first, int total) =>
        Ask(templates.Render("chat/invitation", AsModel(data)), first, total);

    public string Reminder(string unitName, string? procedureName, QuestionnaireItem waiting, int total) =>
        Ask(templates.Render("chat/reminder", new Dictionary<string, object?> { ["unit_name"] = unitName, ["procedure_name"] = procedureName }), waiting, total);

    public string Question(QuestionnaireItem item, int total) => templates.Render("chat/question", new Dictionary<string, object?>
    {
        ["number"] = item.Position,
        ["total"] = total,
        ["text"] = item.TextVi,
        ["kind"] = Names.Of(item.Kind),
        ["allows_not_applicable"] = item.AllowsNotApplicable,
    });

    /// <summary>A lead-in (a hint, a confirmation) and then the question, in one message.</summary>
    public string Ask(string? lead, QuestionnaireItem item, int total) =>
        string.IsNullOrEmpty(lead) ? Question(item, total) : lead + "\n" + Question(item, total);

    /// <summary>The one short hint after a reply that was not understood.</summary>
    public string InvalidAnswer(string answer, QuestionnaireItem item) =>
        templates.Render("chat/invalid-answer", new Dictionary<string, object?> { ["answer"] = Quote(answer, QuoteLength), ["kind"] = Names.Of(item.Kind) });

    /// <summary>The second reply to the same question was not understood either: the question is skipped.</summary>
    public string Skipped() => templates.Render("chat/skipped", Empty());

    public string Help() => templates.Render("chat/help", Empty());

    public string CommentOffer(string comment) =>
        templates.Render("chat/comment-offer", new Dictionary<string, object?> { ["comment"] = Quote(comment, CommentQuoteLength) });

    public string CommentKept() => templates.Render("chat/comment-kept", Empty());

    public string CommentNotKept() => templates.Render("chat/comment-not-kept", Empty());

    public string TextCut() => templates.Render("chat/text-cut", new Dictionary<string, object?> { ["limit"] = ReplyParser.MaxTextLength.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.') });

    public string Thanks(string unitName) => templates.Render("chat/thanks", new Dictionary<string, object?> { ["unit_name"] = unitName });

    public string OptedOut() => templates.Render("chat/opted-out", Empty());

    public string OptedIn() => templates.Render("chat/opted-in", Empty());

    public string NoSurvey() => templates.Render("chat/no-survey", Empty());

    public string AlreadyRecorded() => templates.Render("chat/already-recorded", Empty());

    /// <param name="kept">The reply was stored (as a late answer, not counted).</param>
    public string SurveyClosed(string? procedureName, bool kept) =>
        templates.Render("chat/survey-closed", new Dictionary<string, object?> { ["procedure_name"] = procedureName, ["kept"] = kept });

    /// <summary>The invitation a one-way provider carries (an SMS): the web form's link instead of a question.</summary>
    public string LinkInvitation(IReadOnlyDictionary<string, string> data) => templates.Render("sms/invitation", AsModel(data));

    public string LinkReminder(IReadOnlyDictionary<string, string> data) => templates.Render("sms/reminder", AsModel(data));

    /// <summary>The answers to offer as buttons where the provider has them; a free-text item has none.</summary>
    public static IReadOnlyList<MessageChoice> Choices(QuestionnaireItem item) => item.Kind switch
    {
        ItemKind.Scale => [.. ScaleChoices(item.AllowsNotApplicable)],
        ItemKind.YesNo => [.. YesNoChoices, new("Bỏ qua", "0")],
        _ => [],
    };

    /// <summary>The buttons of a CÓ/KHÔNG question that is not an item (keeping a comment).</summary>
    public static IReadOnlyList<MessageChoice> YesNoChoices { get; } = [new("Có", "1"), new("Không", "2")];

    private static IEnumerable<MessageChoice> ScaleChoices(bool allowsNotApplicable)
    {
        for (var value = 1; value <= 5; value++)
        {
            yield return new MessageChoice(value.ToString(CultureInfo.InvariantCulture), value.ToString(CultureInfo.InvariantCulture));
        }

        if (allowsNotApplicable)
        {
            yield return new MessageChoice("Không áp dụng", "9");
        }

        yield return new MessageChoice("Bỏ qua", "0");
    }

    private static string Quote(string text, int length)
    {
        var trimmed = text.Trim();
        if (trimmed.Length <= length)
        {
            return trimmed;
        }

        return trimmed[..(char.IsHighSurrogate(trimmed[length - 1]) ? length - 1 : length)] + "…";
    }

    private static Dictionary<string, object?> Empty() => [];

    private static Dictionary<string, object?> AsModel(IReadOnlyDictionary<string, string> data) => data.ToDictionary(p => p.Key, p => (object?)p.Value);
}
