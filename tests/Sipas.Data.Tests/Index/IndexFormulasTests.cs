using Sipas.Data.Index;

namespace Sipas.Data.Tests.Index;

// Expected numbers are the worked examples of docs/sipas-method.md §6.
public class IndexFormulasTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    [InlineData(-1, false)]
    public void IsValidScaleValue_AcceptsOnlyOneToFive(int value, bool expected)
    {
        Assert.Equal(expected, IndexFormulas.IsValidScaleValue(value));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    public void IsSatisfied_OnlyFourAndFive(int value, bool expected)
    {
        Assert.Equal(expected, IndexFormulas.IsSatisfied(value));
    }

    [Fact]
    public void Headline_ExcludesSkippedAnswers_FromDenominator()
    {
        // Example A: null stands for a skipped answer.
        List<int?> answers =
        [
            .. Enumerable.Repeat<int?>(5, 120),
            .. Enumerable.Repeat<int?>(4, 210),
            .. Enumerable.Repeat<int?>(3, 40),
            .. Enumerable.Repeat<int?>(2, 12),
            .. Enumerable.Repeat<int?>(1, 6),
            .. Enumerable.Repeat<int?>(null, 12),
        ];

        int valid = answers.Count(a => a is int v && IndexFormulas.IsValidScaleValue(v));
        int satisfied = answers.Count(a => a is int v && IndexFormulas.IsSatisfied(v));

        Assert.Equal(388, valid);
        Assert.Equal(330, satisfied);
        Assert.Equal(85.05, IndexFormulas.Round2(IndexFormulas.ItemIndex(satisfied, valid)!.Value));

        double wrong = IndexFormulas.ItemIndex(satisfied, answers.Count)!.Value;
        Assert.Equal(400, answers.Count);
        Assert.Equal(82.50, IndexFormulas.Round2(wrong));
    }

    [Fact]
    public void Headline_WilsonInterval_MatchesExampleA()
    {
        Interval interval = IndexFormulas.Wilson95(330, 388)!.Value;

        Assert.Equal(81.16, IndexFormulas.Round2(interval.Low));
        Assert.Equal(88.26, IndexFormulas.Round2(interval.High));
    }

    [Fact]
    public void Dimension_FromCriteria_IsMeanOfCriteriaWithValidAnswers()
    {
        // Example B: ACCESS.4 has no valid answer, ACCESS.5 is 0 of 0; both are left out of the mean.
        double?[] criteria =
        [
            IndexFormulas.ItemIndex(90, 100),
            IndexFormulas.ItemIndex(84, 100),
            IndexFormulas.ItemIndex(87, 100),
            null,
            IndexFormulas.ItemIndex(0, 0),
        ];

        Assert.Null(criteria[4]);
        Assert.Equal(87.00, IndexFormulas.Round2(IndexFormulas.MeanOfAvailable(criteria)!.Value));
    }

    [Fact]
    public void MeanOfAvailable_WithNoValue_IsNull()
    {
        Assert.Null(IndexFormulas.MeanOfAvailable([]));
        Assert.Null(IndexFormulas.MeanOfAvailable([null, null]));
    }

    [Fact]
    public void Composite_IsPlainMeanOfFiveDimensions()
    {
        double? composite = IndexFormulas.Composite([87.00, 85.50, 88.20, 86.10, 80.40]);

        Assert.Equal(85.44, IndexFormulas.Round2(composite!.Value));
    }

    [Fact]
    public void Composite_WithAMissingDimension_IsNull()
    {
        Assert.Null(IndexFormulas.Composite([87.00, 85.50, null, 86.10, 80.40]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(6)]
    public void Composite_WithOtherThanFiveDimensions_IsNull(int count)
    {
        double?[] dimensions = [.. Enumerable.Repeat<double?>(85.0, count)];

        Assert.Null(IndexFormulas.Composite(dimensions));
    }

    [Fact]
    public void Decision766Rate_CountsUnratedDossiersAsNotDissatisfied()
    {
        // Example D: 1,000 dossiers returned, 100 rated, 18 of those rated OVERALL 1 or 2.
        double? rate = IndexFormulas.Decision766Rate(1000, 18);
        double? headline = IndexFormulas.ItemIndex(82, 100);

        Assert.Equal(98.20, IndexFormulas.Round2(rate!.Value));
        Assert.Equal(82.00, IndexFormulas.Round2(headline!.Value));
    }

    [Fact]
    public void Decision766Rate_WithNoDossiers_IsNull()
    {
        Assert.Null(IndexFormulas.Decision766Rate(0, 0));
    }

    [Theory]
    [InlineData(0, 5, 0.00, 0.00, 43.45)]
    [InlineData(5, 5, 100.00, 56.55, 100.00)]
    [InlineData(9, 10, 90.00, 59.58, 98.21)]
    public void SmallNumbers_IndexAndWilsonInterval_MatchExampleE(
        int satisfied, int valid, double expectedIndex, double expectedLow, double expectedHigh)
    {
        double index = IndexFormulas.ItemIndex(satisfied, valid)!.Value;
        Interval interval = IndexFormulas.Wilson95(satisfied, valid)!.Value;

        Assert.Equal(expectedIndex, IndexFormulas.Round2(index));
        Assert.Equal(expectedLow, IndexFormulas.Round2(interval.Low));
        Assert.Equal(expectedHigh, IndexFormulas.Round2(interval.High));
    }

    [Fact]
    public void SmallNumbers_WilsonInterval_StaysWithinZeroToHundred()
    {
        Interval none = IndexFormulas.Wilson95(0, 5)!.Value;
        Interval all = IndexFormulas.Wilson95(5, 5)!.Value;

        Assert.Equal(0.0, none.Low);
        Assert.Equal(100.0, all.High);
    }

    [Fact]
    public void NoAnswers_IndexAndInterval_AreNull()
    {
        Assert.Null(IndexFormulas.ItemIndex(0, 0));
        Assert.Null(IndexFormulas.Wilson95(0, 0));
    }

    [Fact]
    public void RollUp_PoolsCounts_NotPercentages()
    {
        // Example F: ward X 40 of 50, ward Y 9 of 10.
        double wardX = IndexFormulas.ItemIndex(40, 50)!.Value;
        double wardY = IndexFormulas.ItemIndex(9, 10)!.Value;
        double province = IndexFormulas.ItemIndex(40 + 9, 50 + 10)!.Value;
        double meanOfWards = IndexFormulas.MeanOfAvailable([wardX, wardY])!.Value;

        Assert.Equal(81.67, IndexFormulas.Round2(province));
        Assert.Equal(85.00, IndexFormulas.Round2(meanOfWards));
        Assert.NotEqual(IndexFormulas.Round2(meanOfWards), IndexFormulas.Round2(province));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, -1)]
    [InlineData(11, 10)]
    public void ItemIndex_InvalidCounts_Throw(int satisfied, int valid)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexFormulas.ItemIndex(satisfied, valid));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, -1)]
    [InlineData(11, 10)]
    public void Wilson95_InvalidCounts_Throw(int satisfied, int valid)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexFormulas.Wilson95(satisfied, valid));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(10, -1)]
    [InlineData(10, 11)]
    public void Decision766Rate_InvalidCounts_Throw(int dossiers, int dissatisfiedDossiers)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexFormulas.Decision766Rate(dossiers, dissatisfiedDossiers));
    }

    [Theory]
    [InlineData(0.125, 0.13)]
    [InlineData(1.005, 1.01)]
    [InlineData(2.675, 2.68)]
    [InlineData(85.43999999999998, 85.44)]
    [InlineData(-0.125, -0.13)]
    public void Round2_RoundsMidpointsAwayFromZero(double value, double expected)
    {
        Assert.Equal(expected, IndexFormulas.Round2(value));
    }
}
