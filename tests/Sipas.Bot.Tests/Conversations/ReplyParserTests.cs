using Sipas.Bot.Conversations;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Conversations;

/// <summary>The reply vocabulary, one theory per kind of reply: with and without diacritics, any case, extra spaces and punctuation.</summary>
public class ReplyParserTests
{
    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 4 ", 4)]
    [InlineData("3.", 3)]
    [InlineData("*1#", 1)]
    [InlineData("５", 5)]
    [InlineData("４ ", 4)]
    [InlineData("5 sao", 5)]
    [InlineData("5 SAO!", 5)]
    [InlineData("4/5", 4)]
    [InlineData("5 điểm", 5)]
    [InlineData("dạ 5 ạ", 5)]
    [InlineData("⭐⭐⭐⭐", 4)]
    [InlineData("⭐️⭐️⭐️⭐️⭐️", 5)]
    [InlineData("★★★", 3)]
    [InlineData("🌟🌟", 2)]
    [InlineData("⭐ ⭐ ⭐ ⭐ ⭐", 5)]
    [InlineData("5⭐", 5)]
    [InlineData("năm", 5)]
    [InlineData("Năm", 5)]
    [InlineData("nam", 5)]
    [InlineData("bốn", 4)]
    [InlineData("bon", 4)]
    [InlineData("ba", 3)]
    [InlineData("hai", 2)]
    [InlineData("một", 1)]
    [InlineData("mot", 1)]
    [InlineData("MỘT", 1)]
    [InlineData("năm sao", 5)]
    [InlineData("rất hài lòng", 5)]
    [InlineData("Rất hài lòng!", 5)]
    [InlineData("rat hai long", 5)]
    [InlineData("RAT  HAI   LONG", 5)]
    [InlineData("rất hài lòng ạ", 5)]
    [InlineData("Tôi rất hài lòng.", 5)]
    [InlineData("r\u0061\u0302\u0301t h\u0061\u0300i l\u006F\u0300ng", 5)] // decomposed (NFD) diacritics, as some keyboards send them
    [InlineData("Bà rất hài lòng", 5)]
    [InlineData("tôi thấy hài lòng", 4)]
    [InlineData("ba sao", 3)]
    [InlineData("hai sao", 2)]
    [InlineData("tôi cho 5 điểm", 5)]
    [InlineData("đánh giá 4 sao nhé", 4)]
    [InlineData("hài lòng", 4)]
    [InlineData("hai long", 4)]
    [InlineData("Hài Lòng", 4)]
    [InlineData("hl", 4)]
    [InlineData("bình thường", 3)]
    [InlineData("binh thuong", 3)]
    [InlineData("BT", 3)]
    [InlineData("bt.", 3)]
    [InlineData("không hài lòng", 2)]
    [InlineData("khong hai long", 2)]
    [InlineData("ko hai long", 2)]
    [InlineData("k hl", 2)]
    [InlineData("khong hl", 2)]
    [InlineData("kh hl", 2)]
    [InlineData("K HL", 2)]
    [InlineData("chưa hài lòng", 2)]
    [InlineData("rất không hài lòng", 1)]
    [InlineData("rat khong hai long", 1)]
    [InlineData("rất ko hài lòng", 1)]
    [InlineData("rat k hl", 1)]
    public void Ratings_InDigitsWordsAndStars_AreRead(string reply, int value) =>
        Assert.Equal(new Reply.Rating(value), ReplyParser.Parse(reply, ItemKind.Scale));

    [Theory]
    [InlineData("0")]
    [InlineData("０")]
    [InlineData("bỏ qua")]
    [InlineData("bo qua")]
    [InlineData("Bo Qua")]
    [InlineData("BỎ QUA!")]
    [InlineData("boqua")]
    [InlineData("-")]
    [InlineData(" - ")]
    public void SkipWords_SkipTheQuestion_OfAnyKind(string reply)
    {
        Assert.Equal(new Reply.Skip(), ReplyParser.Parse(reply, ItemKind.Scale));
        Assert.Equal(new Reply.Skip(), ReplyParser.Parse(reply, ItemKind.YesNo));
        Assert.Equal(new Reply.Skip(), ReplyParser.Parse(reply, ItemKind.Text));
    }

    [Theory]
    [InlineData("9")]
    [InlineData("９")]
    [InlineData("không áp dụng")]
    [InlineData("Khong ap dung")]
    [InlineData("KAD")]
    [InlineData("kad.")]
    public void NotApplicable_IsReadOnlyWhereTheItemAllowsIt(string reply)
    {
        Assert.Equal(new Reply.NotApplicable(), ReplyParser.Parse(reply, ItemKind.Scale, allowsNotApplicable: true));
        Assert.Equal(new Reply.Unknown(), ReplyParser.Parse(reply, ItemKind.Scale, allowsNotApplicable: false));
    }

    [Theory]
    [InlineData("?")]
    [InlineData(" ?? ")]
    [InlineData("HD")]
    [InlineData("hd")]
    [InlineData("tro giup")]
    [InlineData("Trợ giúp")]
    [InlineData("trợ giúp?")]
    [InlineData("huong dan")]
    [InlineData("Hướng dẫn")]
    public void HelpWords_AskForHelp_OnEveryQuestion(string reply)
    {
        Assert.Equal(new Reply.Help(), ReplyParser.Parse(reply, ItemKind.Scale));
        Assert.Equal(new Reply.Help(), ReplyParser.Parse(reply, ItemKind.YesNo));
        Assert.Equal(new Reply.Help(), ReplyParser.Parse(reply, ItemKind.Text));
        Assert.Equal(new Reply.Help(), ReplyParser.Parse(reply, expects: null));
    }

    [Theory]
    [InlineData("TU CHOI")]
    [InlineData("tu choi")]
    [InlineData("Từ chối")]
    [InlineData("TỪ CHỐI")]
    [InlineData("từ  chối!")]
    [InlineData("tuchoi")]
    [InlineData("HUY")]
    [InlineData("HỦY")]
    [InlineData("hủy.")]
    [InlineData("STOP")]
    [InlineData("stop")]
    public void OptOutWords_AreReadFirst_WhateverTheQuestion(string reply)
    {
        Assert.Equal(new Reply.OptOut(), ReplyParser.Parse(reply, expects: null));
        Assert.Equal(new Reply.OptOut(), ReplyParser.Parse(reply, ItemKind.Scale));
        Assert.Equal(new Reply.OptOut(), ReplyParser.Parse(reply, ItemKind.YesNo));
        Assert.Equal(new Reply.OptOut(), ReplyParser.Parse(reply, ItemKind.Text));
    }

    [Theory]
    [InlineData("DONG Y")]
    [InlineData("dong y")]
    [InlineData("ĐỒNG Ý")]
    [InlineData("Đồng ý!")]
    [InlineData("dongy")]
    public void OptInWords_OptBackIn_ExceptAsTheAnswerToAYesNoQuestion(string reply)
    {
        Assert.Equal(new Reply.OptIn(), ReplyParser.Parse(reply, expects: null));
        Assert.Equal(new Reply.OptIn(), ReplyParser.Parse(reply, ItemKind.Scale));
        Assert.Equal(new Reply.YesNo(true), ReplyParser.Parse(reply, ItemKind.YesNo));
    }

    [Theory]
    [InlineData("có", true)]
    [InlineData("Có", true)]
    [InlineData("CÓ", true)]
    [InlineData("co", true)]
    [InlineData("có ạ", true)]
    [InlineData("1", true)]
    [InlineData("１", true)]
    [InlineData("không", false)]
    [InlineData("KHÔNG", false)]
    [InlineData("khong", false)]
    [InlineData("ko", false)]
    [InlineData("k", false)]
    [InlineData("K.", false)]
    [InlineData("2", false)]
    [InlineData("không có", false)]
    public void YesAndNo_AreReadOnYesNoQuestions(string reply, bool yes) =>
        Assert.Equal(new Reply.YesNo(yes), ReplyParser.Parse(reply, ItemKind.YesNo));

    [Theory]
    [InlineData("Cán bộ hướng dẫn rất nhiệt tình, cảm ơn!")]
    [InlineData("  Cán bộ rất nhiệt tình!  ")]
    [InlineData("5")]
    [InlineData("<script>alert(1)</script>")]
    public void Comment_KeepsTheCitizensOwnWords(string reply) =>
        Assert.Equal(new Reply.Text(reply.Trim(), Cut: false), ReplyParser.Parse(reply, ItemKind.Text));

    [Theory]
    [InlineData("không")]
    [InlineData("Không có")]
    [InlineData("ko")]
    [InlineData("không có gì")]
    public void NoToTheCommentQuestion_IsNoComment(string reply) => Assert.Equal(new Reply.Skip(), ReplyParser.Parse(reply, ItemKind.Text));

    [Fact]
    public void Comment_LongerThanTheLimit_IsCutAndSaysSo()
    {
        var parsed = Assert.IsType<Reply.Text>(ReplyParser.Parse(new string('a', 1500), ItemKind.Text));
        Assert.True(parsed.Cut);
        Assert.Equal(ReplyParser.MaxTextLength, parsed.Value.Length);
        Assert.Equal(1000, ReplyParser.MaxTextLength);

        var exact = Assert.IsType<Reply.Text>(ReplyParser.Parse(new string('a', 1000), ItemKind.Text));
        Assert.False(exact.Cut);
    }

    [Fact]
    public void Comment_IsNeverCutInsideAnEmoji()
    {
        var parsed = Assert.IsType<Reply.Text>(ReplyParser.Parse(new string('a', 999) + "😀😀", ItemKind.Text));
        Assert.True(parsed.Cut);
        Assert.Equal(999, parsed.Value.Length);
    }

    [Theory]
    [InlineData("Cán bộ hướng dẫn rất nhiệt tình")]
    [InlineData("phải chờ lâu quá mới đến lượt")]
    [InlineData("Can bo tiep dan lich su, chu dao")]
    public void SeveralWordsNamingNoRating_OnARatingQuestion_LookLikeAComment(string reply) =>
        Assert.Equal(new Reply.LooksLikeComment(reply), ReplyParser.Parse(reply, ItemKind.Scale));

    [Theory]
    [InlineData("7")]
    [InlineData("45")]
    [InlineData("6 sao")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!!")]
    [InlineData("👍")]
    [InlineData("ok")]
    [InlineData("không")] // "không hài lòng" is 2; a bare "không" answers no rating
    [InlineData("ko")]
    [InlineData("k")]
    [InlineData("có")]
    [InlineData("⭐⭐⭐⭐⭐⭐")]
    [InlineData("hài lòng nhưng chờ hơi lâu")] // names a rating among other words: neither a rating nor a plain comment
    public void AnythingElse_OnARatingQuestion_IsNotUnderstood(string reply) =>
        Assert.Equal(new Reply.Unknown(), ReplyParser.Parse(reply, ItemKind.Scale));

    [Theory]
    [InlineData("hài lòng")]
    [InlineData("5")]
    [InlineData("hai")]
    [InlineData("có lẽ")]
    public void AnythingElse_OnAYesNoQuestion_IsNotUnderstood(string reply) =>
        Assert.Equal(new Reply.Unknown(), ReplyParser.Parse(reply, ItemKind.YesNo));

    [Theory]
    [InlineData("5")]
    [InlineData("rất hài lòng")]
    [InlineData("Cán bộ hướng dẫn rất nhiệt tình")]
    [InlineData("0")]
    [InlineData("tôi không muốn từ chối")]
    public void WithNoQuestionWaiting_OnlyCommandsAreRead(string reply) => Assert.Equal(new Reply.Unknown(), ReplyParser.Parse(reply, expects: null));

    [Fact]
    public void AmbiguousWords_NeverReadAsTheirOpposite()
    {
        Assert.Equal(new Reply.Rating(2), ReplyParser.Parse("không hài lòng", ItemKind.Scale));
        Assert.Equal(new Reply.Rating(1), ReplyParser.Parse("rất không hài lòng", ItemKind.Scale));
        Assert.Equal(new Reply.Rating(4), ReplyParser.Parse("hài lòng", ItemKind.Scale));
        Assert.Equal(new Reply.YesNo(false), ReplyParser.Parse("ko", ItemKind.YesNo));
        Assert.Equal(new Reply.Unknown(), ReplyParser.Parse("ko", ItemKind.Scale));
    }

    [Theory]
    [InlineData("Từ chối! ", "tu choi")]
    [InlineData("ĐỒNG Ý", "dong y")]
    [InlineData("  rất   HÀI lòng,  ", "rat hai long")]
    [InlineData("５ sao", "5 sao")]
    [InlineData("Đường", "duong")]
    public void Normalize_DropsDiacriticsCaseAndPunctuation(string text, string normalized) => Assert.Equal(normalized, ReplyParser.Normalize(text));
}
