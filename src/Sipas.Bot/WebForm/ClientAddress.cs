using Sipas.Bot.Http;
using System.Net;
using System.Net.Sockets;

namespace Sipas.Bot.WebForm;

/// <summary>Whose budget a request spends in the web form's rate limit.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client's IPv4 address, or its IPv6 /64 prefix: one subscriber is usually given a whole /64, so counting single
    /// IPv6 addresses would let one phone rotate through billions of budgets.
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
