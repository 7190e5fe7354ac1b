namespace Sipas.Bot.Channels.Simulator;

/// <summary>`Channels:Simulator:Enabled`: unset means on in the Development environment only.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Channels:Simulator";

    public bool? Enabled { get; set; }
}
