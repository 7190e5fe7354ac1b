using System.Globalization;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sipas.Data.Index;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Dashboard;

/// <summary>
/// Loads the response-rate figures for the viewer's scope asynchronously (a Hangfire page renders synchronously), then
/// hands over to Hangfire's own page dispatcher, which renders <see cref="ResponseRatePage"/> in the dashboard's layout.
/// A GET that changes nothing: it needs no read-only check.
/// </summary>
internal sealed class ResponseRateDispatcher(IDashboardDispatcher render) : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var services = http.RequestServices;
        var survey = services.GetRequiredService<IOptions<SurveyOptions>>().Value;
        var settings = services.GetRequiredService<IOptions<DashboardSettings>>().Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(survey.TimeZone);
        var (period, invalid) = Period(context.Request.GetQuery("days"));
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(services.GetRequiredService<TimeProvider>().GetUtcNow(), zone).DateTime);
        var units = await services.GetRequiredService<IDashboardViewerScope>().UnitIdsAsync(http, http.RequestAborted);
        var report = await services.GetRequiredService<ResponseRates>().ReadAsync(today.AddDays(1 - period.Days), today, units, http.RequestAborted);
        http.Items[ResponseRateView.ItemKey] = new ResponseRateView(report, period, invalid, settings.LowResponseRate, zone);
        await render.Dispatch(context);
    }

    private static (ResponseRatePeriod Period, bool Invalid) Period(string? days)
    {
        if (string.IsNullOrEmpty(days))
        {
            return (ResponseRatePeriod.Default, false);
        }

        var chosen = int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? ResponseRatePeriod.All.FirstOrDefault(p => p.Days == n) : null;
        return chosen is null ? (ResponseRatePeriod.Default, true) : (chosen, false);
    }
}
