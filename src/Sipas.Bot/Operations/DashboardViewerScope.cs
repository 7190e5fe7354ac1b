using Sipas.Bot.Staff;
using Sipas.Scheduler.Dashboard;

namespace Sipas.Bot.Operations;

/// <summary>The dashboard viewer's units are their staff scope: a UnitViewer's subtree, or everything.</summary>
public sealed class DashboardViewerScope(StaffScope scope) : IDashboardViewerScope
{
    public Task<IReadOnlySet<Guid>?> UnitIdsAsync(HttpContext http, CancellationToken ct) => scope.UnitIdsAsync(http.User, ct);
}
