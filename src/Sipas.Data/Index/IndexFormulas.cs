namespace Sipas.Data.Index;

public readonly record struct Interval(double Low, double High);

/// <summary>
/// The formulas of method <c>sipas-v1</c> (docs/sipas-method.md §4–§5). Results keep full precision so that
/// figures derived from them are not built on rounded values; round only for presentation with <see cref="Round2"/>.
/// No data is null, never 0 or NaN.
/// </summary>
public static class IndexFormulas
{
    public static readonly RuleSet Rules = RuleSet.SipasV1;

    public static string MethodVersion => Rules.Version;

    // n < 30 on the headline item: shown with a "few answers" flag and not ranked (§4).
    public const int FewAnswersThreshold = 30;

    private const int DimensionCount = 5;
    private const double Z95 = 1.959963984540054;

    public static bool IsValidScaleValue(int value) => Rules.IsValidScaleValue(value);

    public static bool IsSatisfied(int value) => Rules.IsSatisfied(value);

    public static bool IsDissatisfied(int value) => Rules.IsDissatisfied(value);

    public static double? ItemIndex(int satisfied, int valid)
    {
        ValidateCounts(satisfied, valid);
        return valid == 0 ? null : (double)satisfied / valid * 100.0;
    }

    public static Interval? Wilson95(int satisfied, int valid)
    {
        ValidateCounts(satisfied, valid);
        if (valid == 0)
        {
            return null;
        }

        double n = valid;
        double p = satisfied / n;
        double z2 = Z95 * Z95;
        double denominator = 1.0 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double halfWidth = Z95 * Math.Sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;

        // At p = 0 or p = 1 the bound is mathematically 0 or 1; clamping removes floating-point residue around it.
        double low = Math.Clamp(centre - halfWidth, 0.0, 1.0);
        double high = Math.Clamp(centre + halfWidth, 0.0, 1.0);
        return new Interval(low * 100.0, high * 100.0);
    }

    public static double? MeanOfAvailable(IEnumerable<double?> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);

        double sum = 0.0;
        int count = 0;
        foreach (double? index in indices)
        {
            if (index is double value)
            {
                sum += value;
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }

    public static double? Composite(IReadOnlyList<double?> dimensionIndices)
    {
        ArgumentNullException.ThrowIfNull(dimensionIndices);

        // A mean of fewer dimensions is not the composite: it would silently change what the figure measures.
        if (dimensionIndices.Count != DimensionCount || dimensionIndices.Any(index => index is null))
        {
            return null;
        }

        return MeanOfAvailable(dimensionIndices);
    }

    // The decision's formula counts every returned dossier, rated or not: an unrated dossier is not an unsatisfied one.
    public static double? Decision766Rate(int dossiers, int dissatisfiedDossiers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dossiers);
        ArgumentOutOfRangeException.ThrowIfNegative(dissatisfiedDossiers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dissatisfiedDossiers, dossiers);
        return dossiers == 0 ? null : (double)(dossiers - dissatisfiedDossiers) / dossiers * 100.0;
    }

    public static double Round2(double value)
    {
        // Via decimal, so a value written as 1.005 (stored as 1.00499999...) rounds like the number it prints as.
        if (double.IsFinite(value) && Math.Abs(value) < 1e15)
        {
            return (double)Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);
        }

        return Math.Round(value, 2, MidpointRounding.AwayFromZero);
    }

    private static void ValidateCounts(int satisfied, int valid)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(satisfied);
        ArgumentOutOfRangeException.ThrowIfNegative(valid);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(satisfied, valid);
    }
}
