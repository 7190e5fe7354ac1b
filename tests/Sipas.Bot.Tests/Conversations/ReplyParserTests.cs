using Sipas.Bot.Conversations;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Conversations;

public class ReplyParserTests
{
    private static readonly QuestionnaireItem Scale = new() { Code = "OVERALL", Dimension = "OVERALL", Kind = ItemKind.Scale, TextVi = "?" };
    private static readonly QuestionnaireItem ScaleWithNotApplicable = new() { Code = "FEEDBACK", Dimension = "FEEDBACK", Kind = ItemKind.Scale, AllowsNotApplicable = true, TextVi = "?" };
    private static readonly QuestionnaireItem Comment = new() { Code = "COMMENT", Dimension = "COMMENT", Kind = ItemKind.Text, TextVi = "?" };

    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 4 ", 4)]
    [InlineData("3.", 3)]
    [InlineData("*1#", 1)]
    public void Digit_IsAScaleAnswer(string reply, int value)
    {
        var parsed = ReplyParser.Parse(reply, Scale);
        Assert.Equal(AnswerKind.Scale, parsed.Kind);
        Assert.Equal(value, parsed.Value);
    }

    [Theory]
    [InlineData("6")]
    [InlineData("45")]
    [InlineData("năm")]
    [InlineData("")]
    public void AnythingElse_OnAScaleItem_IsInvalid(string reply) => Assert.False(ReplyParser.Parse(reply, Scale).IsValid);

    [Theory]
    [InlineData("0")]
    [InlineData("bỏ qua")]
    [InlineData("Bo Qua")]
    public void SkipWords_AreSkips(string reply) => Assert.Equal(AnswerKind.Skipped, ReplyParser.Parse(reply, Scale).Kind);

    [Fact]
    public void NotApplicable_IsOnlyAcceptedWhereTheItemAllowsIt()
    {
        Assert.Equal(AnswerKind.NotApplicable, ReplyParser.Parse("9", ScaleWithNotApplicable).Kind);
        Assert.Equal(AnswerKind.NotApplicable, ReplyParser.Parse("Không áp dụng", ScaleWithNotApplicable).Kind);
        Assert.False(ReplyParser.Parse("9", Scale).IsValid);
    }

    [Theory]
    [InlineData("TU CHOI")]
    [InlineData("Từ chối")]
    [InlineData("từ  chối!")]
    [InlineData("HỦY")]
    [InlineData("stop")]
    public void OptOutKeywords_AreRecognised_WithOrWithoutDiacritics(string reply) => Assert.True(ReplyParser.IsOptOut(reply));

    [Fact]
    public void OptOutWord_InsideASentence_IsNotAnOptOut() => Assert.False(ReplyParser.IsOptOut("tôi không muốn từ chối"));

    [Fact]
    public void Comment_KeepsTheCitizensOwnWords()
    {
        var parsed = ReplyParser.Parse("  Cán bộ rất nhiệt tình!  ", Comment);
        Assert.Equal(AnswerKind.Text, parsed.Kind);
        Assert.Equal("Cán bộ rất nhiệt tình!", parsed.Text);
    }
}
