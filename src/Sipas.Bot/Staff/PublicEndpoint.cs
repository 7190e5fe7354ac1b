namespace Sipas.Bot.Staff;

/// <summary>
/// Marks an endpoint open without staff sign-in, and says what protects it instead (a signature, a capability code,
/// the Development environment). The role × route test requires every endpoint to carry this or a staff policy.
/// </summary>
public sealed record PublicEndpoint(string ProtectedBy);

public static class PublicEndpointExtensions
{
    public static TBuilder Public<TBuilder>(this TBuilder builder, string protectedBy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new PublicEndpoint(protectedBy));
}
