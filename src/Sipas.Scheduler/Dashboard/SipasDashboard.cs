using Hangfire;
using Hangfire.Dashboard;

namespace Sipas.Scheduler.Dashboard;

/// <summary>Sipas's additions to the Hangfire dashboard: the response-rate page in the navigation and the home-page metrics.</summary>
public static class SipasDashboard
{
    public const string ResponseRatesPath = "/response-rates";

    private static int _registered;

    /// <summary>
    /// Hangfire's routes, menu and metrics are static lists shared by every host in the process (tests start several):
    /// the first call registers, later ones do nothing.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        // Hangfire's Razor page dispatcher is internal; a private route collection builds one to render our page with.
        var pages = new RouteCollection();
        pages.AddRazorPage(ResponseRatesPath, _ => new ResponseRatePage());
        var render = pages.FindDispatcher(ResponseRatesPath)!.Item1;
        DashboardRoutes.Routes.Add(ResponseRatesPath, new ResponseRateDispatcher(render));
        NavigationMenu.Items.Add(page => new MenuItem(ResponseRatePage.Title, page.Url.To(ResponseRatesPath))
        {
            Active = page.RequestPath.StartsWith(ResponseRatesPath, StringComparison.OrdinalIgnoreCase),
        });
        GlobalConfiguration.Configuration.UseDashboardMetrics(HomeMetrics.All);
        DashboardRoutes.AddStylesheet(typeof(SipasDashboard).Assembly, "Sipas.Scheduler.Dashboard.dashboard.css");
    }
}
