using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Sipas.Bot.Http;

namespace Sipas.Bot.Staff;

/// <summary>
/// What a refused request gets: a signed-in staff member outside their role gets 403 (a Vietnamese page, or
/// problem+json under <c>/api</c>) and an audit entry; an anonymous API call gets 401 problem+json rather than a
/// redirect to the sign-in page, which only a browser can follow.
/// </summary>
public sealed class StaffAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var isApi = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        if (authorizeResult.Forbidden)
        {
            await DenyAsync(context, context.RequestAborted);
            return;
        }

        if (authorizeResult.Challenged && isApi)
        {
            await Problems.Of(StatusCodes.Status401Unauthorized, "sign-in-required", "Sign in as a staff member (cookie from /admin/sign-in) to call this API.").ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>Answers 403 and audits the refusal: for a role refused by a policy, or a unit outside the user's scope.</summary>
    private static async Task DenyAsync(HttpContext context, CancellationToken ct)
    {
        await StaffAccess.RecordDenialAsync(context, ct);
        IResult result = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            ? Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Your role or scope does not allow this.")
            : StaffPage.Forbidden(context);
        await result.ExecuteAsync(context);
    }
}
