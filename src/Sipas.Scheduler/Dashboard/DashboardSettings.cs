using System.ComponentModel.DataAnnotations;

namespace Sipas.Scheduler.Dashboard;

/// <summary>The `Dashboard` configuration section.</summary>
public sealed class DashboardSettings
{
    public const string Section = "Dashboard";

    /// <summary>Units whose response rate (RR1) is below this fraction are highlighted on the response-rate page.</summary>
    [Range(0.0, 1.0)]
    public double LowResponseRate { get; set; } = 0.2;
}
