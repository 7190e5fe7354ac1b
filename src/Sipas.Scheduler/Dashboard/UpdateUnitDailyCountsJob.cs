using Hangfire;
using Microsoft.Extensions.Options;
using Sipas.Data.Index;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Dashboard;

/// <summary>
/// Keeps the counts table behind the response-rate page: every few minutes the days whose invitations can still move
/// (an event may wait `Survey:MaxEventAge` to be invited, then `Survey:ExpireAfter` to be answered), and the whole
/// history when an Administrator triggers it from the dashboard.
/// </summary>
public sealed class UpdateUnitDailyCountsJob(UnitDailyCounts counts, IOptions<SurveyOptions> survey, TimeProvider time)
{
    public const string RecurringJobId = "unit-daily-counts";
    public const string WholeHistoryJobId = "unit-daily-counts-all";

    /// <summary>Two days more than an invitation can stay open: a late state change is counted, whatever the clock skew.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromDays(2);

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [JobDisplayName("Tính số liệu phản hồi theo đơn vị (các ngày gần đây)")]
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var zone = Zone();
        var options = survey.Value;
        var now = time.GetUtcNow();
        var from = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now - options.MaxEventAge - options.ExpireAfter - Margin, zone).DateTime);
        return counts.RecomputeAsync(from, zone, now, cancellationToken);
    }

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [JobDisplayName("Tính lại toàn bộ số liệu phản hồi theo đơn vị")]
    public async Task RecomputeAllAsync(CancellationToken cancellationToken)
    {
        var zone = Zone();
        if (await counts.FirstDayAsync(zone, cancellationToken) is { } first)
        {
            await counts.RecomputeAsync(first, zone, time.GetUtcNow(), cancellationToken);
        }
    }

    private TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(survey.Value.TimeZone);
}
