namespace Sipas.Data.Model;

/// <summary>A dossier (hồ sơ) whose result was returned to the citizen. Personal data is stored encrypted.</summary>
public sealed class Dossier
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public Guid SourceId { get; set; }
    public Guid UnitId { get; set; }
    public Guid? ProcedureId { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset ReturnedAt { get; set; }
    public ReturnMethod? ReturnMethod { get; set; }
    public string? OfficialCode { get; set; }
    public byte[]? CitizenNameEncrypted { get; set; }
    public ChannelKind? PreferredChannel { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public Unit? Unit { get; set; }
    public Procedure? Procedure { get; set; }
}

public enum ReturnMethod
{
    Counter,
    Post,
    Online,
}

/// <summary>What the citizen sees: the channel an answer came on. Who carries it is the provider (a name).</summary>
public enum ChannelKind
{
    Simulator,
    Sms,
    Zalo,
    Telegram,

    /// <summary>The short-link web form.</summary>
    Web,
}
