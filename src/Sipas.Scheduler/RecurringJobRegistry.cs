using System.Linq.Expressions;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler;

/// <summary>
/// Registers recurring jobs at start without taking Hangfire's lock when nothing changed. AddOrUpdate always takes
/// the job's distributed lock; a process killed while holding it (the recurring scheduler takes it every second)
/// leaves it until it times out, and a new process whose start waited on it would fail. Reading the stored
/// definitions first needs no lock, so a restart after a crash registers nothing and starts at once.
/// Every job's cron is read in the survey's time zone (`Survey:TimeZone`, Asia/Ho_Chi_Minh): "at 08:00" means Hanoi's 08:00.
/// </summary>
public sealed class RecurringJobRegistry(IServiceProvider services)
{
    private readonly IRecurringJobManager _jobs = services.GetRequiredService<IRecurringJobManager>();
    private readonly Dictionary<string, RecurringJobDto> _stored = Stored(services.GetRequiredService<JobStorage>());
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(services.GetRequiredService<IOptions<SurveyOptions>>().Value.TimeZone);

    public void Ensure<T>(string id, Expression<Func<T, Task>> method, string cron)
    {
        var call = (MethodCallExpression)method.Body;
        if (_stored.TryGetValue(id, out var stored) && stored.Cron == cron && stored.TimeZoneId == _zone.Id
            && stored.Job?.Type == typeof(T) && stored.Job.Method.Name == call.Method.Name && stored.Error is null)
        {
            return;
        }

        _jobs.AddOrUpdate(id, method, cron, new RecurringJobOptions { TimeZone = _zone });
    }

    /// <summary>Removes a recurring job that is no longer wanted (its provider was unconfigured); nothing to do, and no lock, when it is not stored.</summary>
    public void Remove(string id)
    {
        if (_stored.ContainsKey(id))
        {
            _jobs.RemoveIfExists(id);
        }
    }

    private static Dictionary<string, RecurringJobDto> Stored(JobStorage storage)
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs().ToDictionary(job => job.Id, StringComparer.Ordinal);
    }
}
