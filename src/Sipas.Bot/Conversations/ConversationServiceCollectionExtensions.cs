using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Templates;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

public static class ConversationServiceCollectionExtensions
{
    public static IServiceCollection AddChannelsAndConversations(this IServiceCollection services)
    {
        services.AddSingleton<MessageTemplates>();
        services.AddSingleton<ConversationTexts>();
        services.AddSingleton<IChannel, SimulatorChannel>();
        services.AddSingleton<ChannelRouter>();
        services.AddScoped<OutboundMessenger>();
        services.AddScoped<IInvitationSender, SendInvitation>();
        services.AddScoped<AdvanceConversation>();
        return services;
    }
}
