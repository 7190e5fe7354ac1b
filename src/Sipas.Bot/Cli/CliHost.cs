namespace Sipas.Bot.Cli;

/// <summary>
/// What an operator command runs against: the service's own configuration (appsettings.json, appsettings.{Environment}.json,
/// environment variables, `ConnectionStrings:Sipas`…), the console, and the HTTP stack. Tests build one with their
/// own settings, writers and an in-process HTTP handler.
/// </summary>
public sealed class CliHost
{
    private CliHost(IConfiguration configuration, TextWriter output, TextWriter error, HttpMessageHandler? http)
    {
        Configuration = configuration;
        Output = output;
        Error = error;
        Http = http;
    }

    public IConfiguration Configuration { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Null: a real socket handler.</summary>
    public HttpMessageHandler? Http { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>The configuration the service would read when started the same way, with <paramref name="settings"/> on top.</summary>
    public static CliHost Create(
        IReadOnlyDictionary<string, string?>? settings = null, TextWriter? output = null, TextWriter? error = null, HttpMessageHandler? http = null)
    {
        // The web builder is used only for its configuration sources, so a command sees exactly what the service sees;
        // a command is over in seconds, so it does not watch the settings files for changes.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return new CliHost(builder.Configuration, output ?? Console.Out, error ?? Console.Error, http);
    }

    public HttpClient CreateHttpClient() => Http is null
        ? new HttpClient { Timeout = TimeSpan.FromSeconds(30) }
        : new HttpClient(Http, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
}
