using Sipas.Bot.Surveys;
using Sipas.Bot.Templates;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

public static class ConversationServiceCollectionExtensions
{
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<MessageTemplates>();
        services.AddSingleton<ConversationTexts>();
        services.AddSingleton<SurveyLinks>();
        services.AddSingleton<InvitationTemplateData>();
        services.AddSingleton<QuestionnaireItems>();
        services.AddScoped<IInvitationSender, InvitationSender>();
        services.AddScoped<SendInvitation>();
        services.AddScoped<IReminderSender, SendReminder>();
        services.AddScoped<RecordAnswer>();
        services.AddScoped<AdvanceConversation>();
        return services;
    }
}
