using Sipas.Data.Model;

namespace Sipas.Data.Index;

/// <summary>The index of docs/sipas-method.md §4–5, built from counts; percentages are rounded to 2 decimals, no data is null.</summary>
public sealed record IndexReport(
    string MethodVersion,
    IndexReport.Figure Sipas,
    IReadOnlyList<IndexReport.Dimension> Dimensions,
    double? Composite,
    IndexReport.FunnelFigures Funnel,
    IndexReport.Decision766Figure Decision766)
{
    public static IndexReport From(IndexCounts counts)
    {
        var items = counts.Items.ToDictionary(i => i.ItemCode, StringComparer.Ordinal);
        var dimensions = QuestionnaireSeed.Dimensions.Five.Select(code => DimensionOf(code, items)).ToList();
        var funnel = counts.Funnel;
        return new IndexReport(
            IndexFormulas.MethodVersion,
            Figure.Of(items.GetValueOrDefault(QuestionnaireSeed.OverallItem)),
            dimensions,
            Rounded(IndexFormulas.Composite(dimensions.Select(d => d.Percent).ToList())),
            new FunnelFigures(
                funnel.Events, funnel.Invited, funnel.Delivered, funnel.Started, funnel.Completed,
                Rate(funnel.Completed, funnel.Invited),
                Rate(funnel.Completed, funnel.Started)),
            new Decision766Figure(funnel.Events, funnel.Dissatisfied, Rounded(IndexFormulas.Decision766Rate(funnel.Events, funnel.Dissatisfied))));
    }

    /// <summary>
    /// A dimension asked directly (the short questionnaire) is that item's index; one asked as criteria (the full
    /// form) is the mean of its criterion indices. Where both exist for a period, the direct item is the figure.
    /// </summary>
    private static Dimension DimensionOf(string code, Dictionary<string, ItemCount> items)
    {
        var criteria = items.Values
            .Where(i => i.ItemCode.StartsWith(code + ".", StringComparison.Ordinal))
            .OrderBy(i => i.ItemCode, StringComparer.Ordinal)
            .Select(i => new Criterion(i.ItemCode, Figure.Of(i)))
            .ToList();
        var direct = items.GetValueOrDefault(code);
        var percent = direct is { Valid: > 0 }
            ? IndexFormulas.ItemIndex(direct.Satisfied, direct.Valid)
            : IndexFormulas.MeanOfAvailable(criteria.Select(c => c.Figure.Percent));
        return new Dimension(code, Rounded(percent), Figure.Of(direct), criteria);
    }

    // A crash between a send and its record can leave an answered invitation without its sent time for a while;
    // a rate is capped at 100 % rather than refused.
    private static double? Rate(int part, int whole) => Rounded(IndexFormulas.ItemIndex(Math.Min(part, whole), whole));

    private static double? Rounded(double? value) => value is { } v ? IndexFormulas.Round2(v) : null;

    public sealed record Figure(int N, int Satisfied, double? Percent, double? Low, double? High, bool FewAnswers)
    {
        public static Figure Of(ItemCount? count)
        {
            var n = count?.Valid ?? 0;
            var satisfied = count?.Satisfied ?? 0;
            var interval = IndexFormulas.Wilson95(satisfied, n);
            return new Figure(
                n, satisfied, Rounded(IndexFormulas.ItemIndex(satisfied, n)),
                interval is { } i ? IndexFormulas.Round2(i.Low) : null,
                interval is { } j ? IndexFormulas.Round2(j.High) : null,
                n < IndexFormulas.FewAnswersThreshold);
        }
    }

    public sealed record Dimension(string Code, double? Percent, Figure Item, IReadOnlyList<Criterion> Criteria);

    public sealed record Criterion(string Code, Figure Figure);

    public sealed record FunnelFigures(int Events, int Invited, int Delivered, int Started, int Completed, double? ResponseRate, double? CooperationRate);

    public sealed record Decision766Figure(int Dossiers, int Dissatisfied, double? Percent);
}
