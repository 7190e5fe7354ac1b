using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Sipas.Bot.OneStop;

namespace Sipas.Bot.Tests.Support;

/// <summary>Signs and posts one-stop events the way a one-stop system does.</summary>
public static class OneStopClient
{
    public const string Path = "/api/v1/one-stop/events";

    public static Task<HttpResponseMessage> PostAsync(
        HttpClient client, string body, string secret = SipasFactory.Secret, long? timestamp = null, string source = SipasFactory.Source, string contentType = "application/json") =>
        PostBytesAsync(client, Encoding.UTF8.GetBytes(body), secret, timestamp, source, contentType);

    public static async Task<HttpResponseMessage> PostBytesAsync(
        HttpClient client, byte[] body, string secret = SipasFactory.Secret, long? timestamp = null, string source = SipasFactory.Source, string contentType = "application/json")
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add(OneStopSignature.SourceHeader, source);
        request.Headers.Add(OneStopSignature.TimestampHeader, ts);
        request.Headers.Add(OneStopSignature.SignatureHeader, OneStopSignature.Sign(secret, ts, body));
        return await client.SendAsync(request);
    }
}
