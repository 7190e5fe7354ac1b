namespace Sipas.Bot.OneStop;

/// <summary>`OneStop:Sources:{code}:Secrets:0` (and `:1` during rotation).</summary>
public sealed class OneStopOptions
{
    public const string Section = "OneStop";

    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);

    public sealed class SourceOptions
    {
        public List<string> Secrets { get; set; } = [];
    }
}
