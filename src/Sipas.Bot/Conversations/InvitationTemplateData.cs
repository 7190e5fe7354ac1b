using System.Globalization;
using Microsoft.Extensions.Options;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Conversations;

/// <summary>
/// The values an invitation's templates may use, as plain strings (a Zalo template's parameters are filled from
/// them): unit_name, procedure_name, dossier_code, returned_at and expires_at (Vietnam time), survey_code, link and
/// telegram_link. The invitation and its reminder use the same ones.
/// </summary>
public sealed class InvitationTemplateData(SurveyLinks links, SendWindow window, IOptions<SurveyOptions> survey, TimeProvider time)
{
    /// <param name="invitation">Loaded with its dossier, unit and procedure.</param>
    public Dictionary<string, string> For(Invitation invitation)
    {
        var dossier = invitation.Dossier!;
        var expiresAt = invitation.ExpiresAt ?? time.GetUtcNow() + survey.Value.ExpireAfter;
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["unit_name"] = dossier.Unit!.Name,
            ["dossier_code"] = dossier.Code,
            ["returned_at"] = TimeZoneInfo.ConvertTime(dossier.ReturnedAt, window.Zone).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            ["expires_at"] = TimeZoneInfo.ConvertTime(expiresAt, window.Zone).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture),
            ["survey_code"] = invitation.Code,
        };
        if (dossier.Procedure?.Name is { } procedure)
        {
            data["procedure_name"] = procedure;
        }

        if (links.WebForm(invitation.Code) is { } link)
        {
            data["link"] = link;
        }

        if (links.Telegram(invitation.Code) is { } telegram)
        {
            data["telegram_link"] = telegram;
        }

        return data;
    }
}
