using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Sipas.Data.Diagnostics;

/// <summary>
/// Named points where a test can make the process die abruptly, as a power cut or `kill -9` would, to prove
/// that the step before is durable and the step after is safely redone. Configured as
/// <c>Sipas:Failpoints:{name} = crash</c> (first hit) or <c>crash@N</c> (N-th hit); nothing is configured in production.
/// </summary>
public sealed class Failpoints(IConfiguration configuration, ILogger<Failpoints> logger)
{
    public const string AfterEventCommit = "one-stop.after-commit";
    public const string AfterInvitationSend = "dispatch.after-send";

    /// <summary>The provider has answered (or timed out) and nothing of it is recorded yet: the window where a send can be lost or doubled.</summary>
    public const string AfterProviderCall = "send.after-provider-call";

    private readonly ConcurrentDictionary<string, int> _hits = new();

    public void Hit(string name)
    {
        var setting = configuration[$"Sipas:Failpoints:{name}"];
        if (string.IsNullOrEmpty(setting))
        {
            return;
        }

        var crashOnHit = setting.StartsWith("crash@", StringComparison.Ordinal) && int.TryParse(setting.AsSpan(6), out var n) ? n : 1;
        if (_hits.AddOrUpdate(name, 1, (_, count) => count + 1) == crashOnHit)
        {
            logger.LogCritical("Failpoint {Failpoint} reached: killing the process", name);
            Process.GetCurrentProcess().Kill();
        }
    }
}
