using Microsoft.AspNetCore.Http;

namespace Sipas.Scheduler.Dashboard;

/// <summary>The units the signed-in dashboard viewer may see; implemented by the web host, which knows staff scopes.</summary>
public interface IDashboardViewerScope
{
    /// <summary>The ids of the units in the viewer's scope; null when the viewer sees every unit.</summary>
    Task<IReadOnlySet<Guid>?> UnitIdsAsync(HttpContext http, CancellationToken ct);
}
