using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Sipas.Bot.Tests.Support;

/// <summary>
/// HTTP/1.1 written by hand over a TCP socket, for what HttpClient will not send and the in-process test server
/// never parses: malformed chunked bodies, bodies that stop half-way.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Writes the head and the body bytes, then waits for the server's whole answer (it closes the connection).</summary>
    public static async Task<Response> SendAsync(Uri server, string method, string path, IEnumerable<string> headers, byte[] body, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var client = await WriteAsync(server, method, path, headers, body, cancel.Token);

        // The client never sends the rest or closes its side: the server must answer on its own.
        using var received = new MemoryStream();
        await client.GetStream().CopyToAsync(received, cancel.Token);
        return Parse(received.ToArray());
    }

    /// <summary>Writes the head and the body bytes, then closes the connection without waiting for an answer.</summary>
    public static async Task HangUpAsync(Uri server, string method, string path, IEnumerable<string> headers, byte[] body)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = await WriteAsync(server, method, path, headers, body, cancel.Token);
        client.Client.Shutdown(SocketShutdown.Both);
    }

    private static async Task<TcpClient> WriteAsync(Uri server, string method, string path, IEnumerable<string> headers, byte[] body, CancellationToken ct)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, ct);
        var stream = client.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), ct);
        await stream.WriteAsync(body, ct);
        await stream.FlushAsync(ct);
        return client;
    }

    private static Response Parse(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete response: {text}");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            // Sizes count bytes; the problem bodies here are ASCII, so bytes and characters agree.
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
