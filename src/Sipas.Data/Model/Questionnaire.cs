namespace Sipas.Data.Model;

/// <summary>A versioned questionnaire. Editing makes a new version; answers keep pointing at the version asked.</summary>
public sealed class Questionnaire
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public int Version { get; set; }
    public required string MethodVersion { get; set; }
    public required string Title { get; set; }
    public bool IsActive { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<QuestionnaireItem> Items { get; set; } = [];
}

public sealed class QuestionnaireItem
{
    public Guid Id { get; set; }
    public Guid QuestionnaireId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Dimension { get; set; }
    public ItemKind Kind { get; set; }
    public bool AllowsNotApplicable { get; set; }
    public required string TextVi { get; set; }
}

public enum ItemKind
{
    Scale,
    YesNo,
    Text,
}
