namespace Sipas.Bot.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>Problem+json for every error answer, including the server's own refusals of malformed requests.</summary>
    public static IServiceCollection AddSipasProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }
}
