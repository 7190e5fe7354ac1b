using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Sipas.Bot.Hosting;

/// <summary>
/// The reverse proxies in front of Sipas (<c>Sipas:TrustedProxies</c>: addresses such as <c>10.0.0.5</c> or networks
/// such as <c>10.0.0.0/8</c>). Only a request arriving from one of them has its <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> believed, so the web form's per-address rate limit counts citizens, not the proxy. With
/// none configured the headers are ignored: anyone could write them.
/// </summary>
public static class TrustedProxies
{
    public const string Key = "Sipas:TrustedProxies";

    /// <summary>Reads the setting; false (and a critical log line naming the bad entry) when an entry is neither an address nor a network.</summary>
    public static bool TryAdd(IServiceCollection services, IConfiguration configuration, ILogger logger)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in configuration.GetSection(Key).Get<string[]>() ?? [])
        {
            if (IPNetwork.TryParse(entry.Trim(), out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim(), out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                logger.LogCritical("{Key} has '{Entry}', which is neither an IP address (10.0.0.5) nor a network (10.0.0.0/8); Sipas does not start", Key, entry);
                return false;
            }
        }

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return true;
    }

    /// <summary>First in the pipeline, so everything after it (the rate limiter, logs) sees the citizen's address.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
