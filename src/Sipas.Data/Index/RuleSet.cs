namespace Sipas.Data.Index;

/// <summary>
/// What counts as a valid, a satisfied and a dissatisfied answer under one version of the method
/// (docs/sipas-method.md §4). The pure formulas and the SQL that counts answers both read these values, so a
/// change here cannot leave them disagreeing.
/// </summary>
public sealed record RuleSet(string Version, int ScaleMin, int ScaleMax, int SatisfiedFrom, int DissatisfiedUpTo)
{
    /// <summary>The five-point scale; 4 and 5 are satisfied, 1 and 2 dissatisfied (Decision 766).</summary>
    public static readonly RuleSet SipasV1 = new("sipas-v1", ScaleMin: 1, ScaleMax: 5, SatisfiedFrom: 4, DissatisfiedUpTo: 2);

    public bool IsValidScaleValue(int value) => value >= ScaleMin && value <= ScaleMax;

    public bool IsSatisfied(int value) => IsValidScaleValue(value) && value >= SatisfiedFrom;

    public bool IsDissatisfied(int value) => IsValidScaleValue(value) && value <= DissatisfiedUpTo;
}
