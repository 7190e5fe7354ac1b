using System.Collections.Concurrent;
using Scriban;
using Scriban.Runtime;

namespace Sipas.Bot.Templates;

/// <summary>
/// Renders the Scriban message templates (`templates/{channel}/{kind}.{language}.sbn`). Templates are parsed once
/// and cached; each render gets its own context with Scriban's safety limits and a time limit, and sees only the
/// plain values it is given.
/// </summary>
public sealed class MessageTemplates(IConfiguration configuration)
{
    private static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(1);
    private readonly string _directory = configuration["Sipas:TemplatesDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "templates");
    private readonly ConcurrentDictionary<string, Template> _cache = new(StringComparer.Ordinal);

    public string Render(string name, IReadOnlyDictionary<string, object?> model, string language = "vi")
    {
        var template = _cache.GetOrAdd($"{name}.{language}", Load);
        var globals = new ScriptObject();
        foreach (var (key, value) in model)
        {
            globals[key] = value;
        }

        using var timeout = new CancellationTokenSource(RenderTimeout);
        var context = new TemplateContext { CancellationToken = timeout.Token, StrictVariables = false };
        context.PushGlobal(globals);
        return template.Render(context).Trim();
    }

    private Template Load(string key)
    {
        var path = Path.Combine(_directory, key + ".sbn");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Message template {key} not found in {_directory}.", path);
        }

        var template = Template.Parse(File.ReadAllText(path), path);
        return template.HasErrors
            ? throw new InvalidOperationException($"Message template {key} has errors: {string.Join("; ", template.Messages)}")
            : template;
    }
}
