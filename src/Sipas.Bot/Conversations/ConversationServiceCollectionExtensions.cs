using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Templates;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Messages;

namespace Sipas.Bot.Conversations;

public static class ConversationServiceCollectionExtensions
{
    public static IServiceCollection AddChannelsAndConversations(this IServiceCollection services)
    {
        services.AddSingleton<MessageTemplates>();
        services.AddSingleton<ConversationTexts>();
        services.AddSingleton<QuestionnaireItems>();
        services.AddSingleton<IChannel, SimulatorChannel>();
        services.AddSingleton<ChannelRouter>();
        services.AddScoped<OutboundMessenger>();
        services.AddScoped<IPendingMessageDelivery>(provider => provider.GetRequiredService<OutboundMessenger>());
        services.AddScoped<IInvitationSender, SendInvitation>();
        services.AddScoped<IReminderSender, SendReminder>();
        services.AddScoped<AdvanceConversation>();
        return services;
    }
}
