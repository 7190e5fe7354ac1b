using Microsoft.Extensions.Primitives;
using Sipas.Bot.Staff;

namespace Sipas.Bot.Operations;

/// <summary>
/// Wraps the dashboard's endpoint: every post is a job command (delete, requeue, trigger…). One that succeeds goes to
/// the audit trail as <see cref="AuditActions.DashboardCommand"/>; one that is refused (a read-only role, a missing
/// anti-forgery token) as <see cref="AuditActions.AccessDenied"/>. The target names the command and its job ids.
/// The one post that is not a command is the page's statistics poll (every few seconds, changing nothing).
/// </summary>
public static class DashboardCommandAudit
{
    /// <param name="prefix">Where the dashboard is mapped (<c>/hangfire</c>).</param>
    public static RequestDelegate Wrap(string prefix, RequestDelegate dashboard) => async http =>
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Path.Equals(prefix + "/stats", StringComparison.OrdinalIgnoreCase))
        {
            await dashboard(http);
            return;
        }

        await dashboard(http);
        var status = http.Response.StatusCode;
        var action = status switch
        {
            >= 200 and < 300 => AuditActions.DashboardCommand,
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => AuditActions.AccessDenied,
            _ => null,
        };
        if (action is not null)
        {
            // The audit entry must not be lost because the client went away after its command ran.
            await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(action, await TargetAsync(http), CancellationToken.None);
        }
    };

    /// <summary>"/hangfire/jobs/enqueued/delete 12,13": the command's path and the job ids of its form (ids in a path are in the path).</summary>
    private static async Task<string> TargetAsync(HttpContext http)
    {
        var path = $"{http.Request.PathBase}{http.Request.Path}";
        if (!http.Request.HasFormContentType)
        {
            return path;
        }

        var form = await http.Request.ReadFormAsync(CancellationToken.None);
        var jobs = form.TryGetValue("jobs[]", out var ids) ? ids : StringValues.Empty;
        return jobs.Count == 0 ? path : $"{path} {string.Join(',', jobs.ToArray())}";
    }
}
