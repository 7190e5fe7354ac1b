namespace Sipas.Bot.Hosting;

/// <summary>`Sipas:Role`: `web` serves HTTP, `worker` runs the Hangfire jobs, `all` (default) does both.</summary>
public sealed record SipasRole(bool ServesWeb, bool RunsJobs, string Name)
{
    public static SipasRole From(IConfiguration configuration) => (configuration["Sipas:Role"] ?? "all").Trim().ToLowerInvariant() switch
    {
        "all" => new SipasRole(ServesWeb: true, RunsJobs: true, "all"),
        "web" => new SipasRole(ServesWeb: true, RunsJobs: false, "web"),
        "worker" => new SipasRole(ServesWeb: false, RunsJobs: true, "worker"),
        var other => throw new InvalidOperationException($"Sipas:Role must be all, web or worker, not '{other}'."),
    };
}
