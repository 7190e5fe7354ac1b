using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Dashboard;

/// <summary>
/// The figures on the dashboard's home page, for the viewer's scope: today's invitations sent, completed responses
/// and response rate (from the counts table), the oldest due invitation not yet sent. The backlog's drain time is the
/// only global figure: sends are ordered by due time across units, so it is when the viewer's own backlog is through
/// too, and it is a duration, not any unit's count.
/// </summary>
internal sealed record HomeFigures(int Sent, int Completed, double? ResponseRate, DateTimeOffset? OldestDue, long DueNow, TimeSpan? Drain, TimeZoneInfo Zone)
{
    private const string ItemKey = "sipas:home-figures";

    private const string Sql = """
        SELECT coalesce(sum(invited), 0)::int, coalesce(sum(completed), 0)::int, coalesce(sum(failed), 0)::int
        FROM unit_daily_counts WHERE day = @today AND (@all OR unit_id = ANY(@units));
        SELECT min(i.due_at) FROM invitations i JOIN dossiers d ON d.id = i.dossier_id
        WHERE i.state = @scheduled AND i.due_at <= @now AND (@all OR d.unit_id = ANY(@units));
        SELECT count(*) FROM invitations WHERE state = @scheduled AND due_at <= @now;
        """;

    /// <summary>
    /// Loaded once per request (the home page and the stats poller ask for each metric in turn). Hangfire's metric
    /// callbacks are synchronous, so this reads synchronously too.
    /// </summary>
    public static HomeFigures Of(RazorPage page)
    {
        var http = page.Context.GetHttpContext();
        if (http.Items[ItemKey] is HomeFigures cached)
        {
            return cached;
        }

        var services = http.RequestServices;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(services.GetRequiredService<IOptions<SurveyOptions>>().Value.TimeZone);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var units = services.GetRequiredService<IDashboardViewerScope>().UnitIdsAsync(http, http.RequestAborted).GetAwaiter().GetResult();
        using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(Sql);
        command.Parameters.AddWithValue("all", units is null);
        command.Parameters.Add(new NpgsqlParameter("units", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = units?.ToArray() ?? [] });
        command.Parameters.Add(new NpgsqlParameter("today", NpgsqlDbType.Date) { Value = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime) });
        command.Parameters.AddWithValue("scheduled", nameof(InvitationState.Scheduled));
        command.Parameters.AddWithValue("now", now);
        using var reader = command.ExecuteReader();
        reader.Read();
        var (sent, completed, failed) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        reader.NextResult();
        reader.Read();
        DateTimeOffset? oldest = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
        reader.NextResult();
        reader.Read();
        var due = reader.GetInt64(0);
        var figures = new HomeFigures(
            sent, completed, sent + failed == 0 ? null : (double)completed / (sent + failed), oldest, due, BacklogEstimate.Drain((int)Math.Min(due, int.MaxValue), services.GetRequiredService<IInvitationSendRate>().PerSecond), zone);
        http.Items[ItemKey] = figures;
        return figures;
    }
}

/// <summary>The home-page metrics, registered once per process (Hangfire's metric list is static).</summary>
internal static class HomeMetrics
{
    private static readonly System.Globalization.CultureInfo Vietnamese = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");

    public static readonly DashboardMetric[] All =
    [
        new("sipas:today-sent", "Lời mời đã gửi (hồ sơ trả hôm nay)", page => new Metric(HomeFigures.Of(page).Sent) { Style = MetricStyle.Info }),
        new("sipas:today-completed", "Phiếu hoàn thành (hồ sơ trả hôm nay)", page => new Metric(HomeFigures.Of(page).Completed) { Style = MetricStyle.Success }),
        new("sipas:today-rate", "Tỷ lệ phản hồi hôm nay (RR1)", page => HomeFigures.Of(page).ResponseRate is { } rate
            ? new Metric(rate.ToString("P1", Vietnamese))
            : new Metric("—")),
        new("sipas:oldest-due", "Lời mời đến hạn lâu nhất chưa gửi", page => HomeFigures.Of(page) is { OldestDue: { } oldest } figures
            ? new Metric(TimeZoneInfo.ConvertTime(oldest, figures.Zone).ToString("HH:mm dd/MM", Vietnamese)) { Style = MetricStyle.Warning, Highlighted = true }
            : new Metric("không có")),
        new("sipas:drain", "Thời gian dự kiến gửi hết lời mời đến hạn", page => new Metric(Duration(HomeFigures.Of(page)))),
    ];

    private static string Duration(HomeFigures figures) => figures switch
    {
        { DueNow: 0 } => "không còn",
        { Drain: null } => "không giới hạn tốc độ",
        { Drain: { } drain } when drain < TimeSpan.FromMinutes(1) => "dưới 1 phút",
        { Drain: { } drain } when drain < TimeSpan.FromHours(1) => $"{Math.Ceiling(drain.TotalMinutes):0} phút",
        { Drain: { } drain } => $"{drain.TotalHours.ToString("0.#", Vietnamese)} giờ",
    };
}
