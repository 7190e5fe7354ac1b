using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sipas.Bot.OneStop;
using Sipas.Bot.Phones;

namespace Sipas.Bot.Cli;

/// <summary>
/// `send-sample-event`: signs and posts the sample "result returned" event (scripts/sample-event.json, embedded in the
/// binary) to a running Sipas with a fresh eventId, dossier code and return time, and prints the answer.
/// </summary>
public static class SendSampleEventCommand
{
    private const string SampleResource = "Sipas.Bot.sample-event.json";

    public static Command Create(CliHost host)
    {
        var url = new Option<string>("--url") { Description = "Base address of the running Sipas.", DefaultValueFactory = _ => "http://localhost:5080" };
        var source = new Option<string>("--source") { Description = "Source code to send as (X-Sipas-Source).", DefaultValueFactory = _ => "igate" };
        var secret = new Option<string?>("--secret") { Description = "HMAC secret of the source. Default: the first one configured in OneStop:Sources:{source}:Secrets." };
        var phone = new Option<string?>("--phone") { Description = "Citizen phone to put in the event instead of the sample's." };
        var command = new Command("send-sample-event", "Sign and post the sample \"result returned\" event to a running Sipas and print its answer.")
        {
            url, source, secret, phone,
        };
        command.SetAction(host, async (parsed, ct) =>
        {
            if (!Uri.TryCreate(parsed.GetValue(url), UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                return host.Fail($"--url must be an absolute http or https address, not '{parsed.GetValue(url)}'.");
            }

            var sourceCode = parsed.GetValue(source)?.Trim();
            if (string.IsNullOrEmpty(sourceCode))
            {
                return host.Fail("--source must not be empty.");
            }

            var key = parsed.GetValue(secret) ?? host.Configuration[$"OneStop:Sources:{sourceCode}:Secrets:0"];
            if (string.IsNullOrEmpty(key))
            {
                return host.Fail($"No secret for source '{sourceCode}': pass --secret, or configure OneStop:Sources:{sourceCode}:Secrets:0 (the Development settings configure igate).");
            }

            var citizenPhone = parsed.GetValue(phone);
            if (citizenPhone is not null && VietnamesePhone.TryParse(citizenPhone) is null)
            {
                return host.Fail($"--phone '{citizenPhone}' is not a Vietnamese phone number (e.g. 0912345678).");
            }

            var body = Encoding.UTF8.GetBytes(FreshSample(host.Time.GetUtcNow(), citizenPhone).ToJsonString());
            var timestamp = host.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/v1/one-stop/events")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(OneStopSignature.SourceHeader, sourceCode);
            request.Headers.Add(OneStopSignature.TimestampHeader, timestamp);
            request.Headers.Add(OneStopSignature.SignatureHeader, OneStopSignature.Sign(key, timestamp, body));

            using var client = host.CreateHttpClient();
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, ct);
            }
            catch (HttpRequestException ex)
            {
                return host.Fail($"Could not reach {request.RequestUri}: {ex.Message}. Is Sipas running (dotnet run --project src/Sipas.Bot)?");
            }

            using (response)
            {
                await host.Output.WriteLineAsync($"POST {request.RequestUri} as source {sourceCode}");
                await host.Output.WriteLineAsync($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                await host.Output.WriteLineAsync(await response.Content.ReadAsStringAsync(ct));
                return response.IsSuccessStatusCode ? 0 : 1;
            }
        });
        return command;
    }

    /// <summary>The sample with ids and times of now, so each run is a new dossier that gets invited.</summary>
    internal static JsonObject FreshSample(DateTimeOffset now, string? phone)
    {
        using var stream = typeof(SendSampleEventCommand).Assembly.GetManifestResourceStream(SampleResource)
            ?? throw new InvalidOperationException($"The sample event is missing from the binary ({SampleResource}).");
        var sample = JsonNode.Parse(stream)!.AsObject();
        var suffix = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var local = now.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        sample["eventId"] = "sample-" + suffix;
        sample["occurredAt"] = local;
        sample["dossier"]!["code"] = "000.00.70.H26-SAMPLE-" + suffix;
        sample["dossier"]!["returnedAt"] = local;
        if (phone is not null)
        {
            sample["citizen"]!["phone"] = phone;
        }

        return sample;
    }
}
