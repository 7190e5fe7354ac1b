using System.Text;
using Sipas.Bot.Channels.Sms;

namespace Sipas.Bot.Tests.Channels.Sms;

public class SmsTextTests
{
    private const string Vietnamese =
        "Cảm ơn quý khách đã sử dụng dịch vụ. Vui lòng đánh giá mức độ hài lòng: trả lời 1-5. ĐỒNG Ý";

    [Fact]
    public void GsmTables_HaveTheSizesOfGsm0338()
    {
        Assert.Equal(128, SmsText.GsmBasic.Distinct().Count());
        Assert.Equal(128, SmsText.GsmBasic.Length);
        Assert.Equal(10, SmsText.GsmExtension.Distinct().Count());
        Assert.Empty(SmsText.GsmBasic.Intersect(SmsText.GsmExtension));
    }

    [Fact]
    public void RemoveDiacritics_TurnsVietnameseIntoPlainAscii()
    {
        Assert.Equal(
            "Cam on quy khach da su dung dich vu. Vui long danh gia muc do hai long: tra loi 1-5. DONG Y",
            SmsText.RemoveDiacritics(Vietnamese));
    }

    [Fact]
    public void RemoveDiacritics_StripsEveryVietnameseVowel_WithEveryTone()
    {
        string[] tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"];
        var vowels = new (string Letter, char Base)[]
        {
            ("a", 'a'), ("ă", 'a'), ("â", 'a'), ("e", 'e'), ("ê", 'e'), ("i", 'i'),
            ("o", 'o'), ("ô", 'o'), ("ơ", 'o'), ("u", 'u'), ("ư", 'u'), ("y", 'y'),
        };
        foreach (var (letter, bare) in vowels)
        {
            foreach (var tone in tones)
            {
                var composed = (letter + tone).Normalize(NormalizationForm.FormC);
                Assert.Equal(bare.ToString(), SmsText.RemoveDiacritics(composed));
                Assert.Equal(char.ToUpperInvariant(bare).ToString(), SmsText.RemoveDiacritics(composed.ToUpperInvariant()));
            }
        }
    }

    [Theory]
    [InlineData("đường", "duong")]
    [InlineData("ĐÀ NẴNG", "DA NANG")]
    [InlineData("\u00D0\u00F4ng", "Dong")] // Ð (eth) standing in for Đ, as legacy encodings leave it
    public void RemoveDiacritics_MapsDToD(string text, string expected) => Assert.Equal(expected, SmsText.RemoveDiacritics(text));

    [Theory]
    [InlineData("8:00\u201317:00", "8:00-17:00")]
    [InlineData("A\u2014B\u2212C\u2011D", "A-B-C-D")]
    [InlineData("\u201CTốt\u201D \u2018lắm\u2019", "\"Tot\" 'lam'")]
    [InlineData("Chờ\u2026", "Cho...")]
    [InlineData("a\u00A0b\u202Fc\td", "a b c d")]
    [InlineData("gov\u200B.vn\u200C\u200D\u2060\uFEFF", "gov.vn")]
    public void RemoveDiacritics_ReplacesLookAlikePunctuation_AndDropsZeroWidthCharacters(string text, string expected) =>
        Assert.Equal(expected, SmsText.RemoveDiacritics(text));

    [Fact]
    public void RemoveDiacritics_WorksOnDecomposedInput_AndReturnsNfc()
    {
        var nfd = Vietnamese.Normalize(NormalizationForm.FormD);
        var result = SmsText.RemoveDiacritics(nfd);
        Assert.Equal(SmsText.RemoveDiacritics(Vietnamese), result);
        Assert.True(result.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void RemoveDiacritics_LeavesWhatItCannotDowngrade() =>
        Assert.Equal("Tot 👍", SmsText.RemoveDiacritics("Tốt 👍"));

    [Fact]
    public void LongVietnameseSentence_WithoutDiacritics_IsAllGsm7()
    {
        const string sentence =
            "Kính gửi ông/bà Nguyễn Văn Đức: hồ sơ số 000.00.70.H26-250101-0001 về thủ tục \u201CCấp giấy chứng nhận quyền sử dụng đất\u201D " +
            "đã được trả kết quả tại Trung tâm Phục vụ hành chính công tỉnh. Xin quý khách vui lòng đánh giá mức độ hài lòng " +
            "của mình đối với cán bộ tiếp nhận – trả lời từ 1 (rất không hài lòng) đến 5 (rất hài lòng)… Trân trọng cảm ơn!";
        Assert.Equal(SmsEncoding.Ucs2, SmsText.EncodingOf(sentence));

        var stripped = SmsText.RemoveDiacritics(sentence);
        var measured = SmsText.Measure(stripped);
        Assert.Equal(SmsEncoding.Gsm7, measured.Encoding);
        Assert.Empty(measured.NonGsmCharacters);
        Assert.All(stripped, c => Assert.InRange(c, ' ', '~'));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void GsmText_Is160InOne_153PerPart(int length, int segments)
    {
        var measured = SmsText.Measure(new string('a', length));
        Assert.Equal(SmsEncoding.Gsm7, measured.Encoding);
        Assert.Equal(length, measured.Units);
        Assert.Equal(segments, measured.Segments);
    }

    [Theory]
    [InlineData(158, 160, 1)]
    [InlineData(159, 161, 2)]
    public void ExtensionCharacter_CostsTwoSeptets(int letters, int units, int segments)
    {
        var measured = SmsText.Measure(new string('a', letters) + "|");
        Assert.Equal(SmsEncoding.Gsm7, measured.Encoding);
        Assert.Equal(units, measured.Units);
        Assert.Equal(segments, measured.Segments);
    }

    [Fact]
    public void EveryExtensionCharacter_IsGsm_AndCostsTwo()
    {
        var measured = SmsText.Measure("^{}\\[~]|€\f");
        Assert.Equal(SmsEncoding.Gsm7, measured.Encoding);
        Assert.Equal(20, measured.Units);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2Text_Is70InOne_67PerPart(int length, int segments)
    {
        var measured = SmsText.Measure(new string('ả', length));
        Assert.Equal(SmsEncoding.Ucs2, measured.Encoding);
        Assert.Equal(length, measured.Units);
        Assert.Equal(segments, measured.Segments);
    }

    [Fact]
    public void DecomposedInput_IsMeasuredAsNfc()
    {
        var nfd = new string('ả', 70).Normalize(NormalizationForm.FormD);
        Assert.Equal(140, nfd.Length);
        var measured = SmsText.Measure(nfd);
        Assert.Equal(70, measured.Units);
        Assert.Equal(1, measured.Segments);
        Assert.Equal(["ả"], measured.NonGsmCharacters);
    }

    [Fact]
    public void GsmLetter_TypedAsBasePlusCombiningMark_IsGsm7()
    {
        var decomposed = "Tro\u0300 chuye\u0301n"; // ò and é decomposed; both are in GSM 03.38 once composed
        Assert.Equal(SmsEncoding.Gsm7, SmsText.EncodingOf(decomposed));
        Assert.Equal(10, SmsText.Measure(decomposed).Units); // 12 code units as given, 10 characters once composed
    }

    [Fact]
    public void OhmSign_IsGsmOmega_AfterNormalisation() => Assert.Equal(SmsEncoding.Gsm7, SmsText.EncodingOf("10 \u2126"));

    [Fact]
    public void Emoji_CountsTwoUcs2Units_AndIsReportedAsOneCharacter()
    {
        var measured = SmsText.Measure("ok 😀");
        Assert.Equal(SmsEncoding.Ucs2, measured.Encoding);
        Assert.Equal(5, measured.Units);
        Assert.Equal(["😀"], measured.NonGsmCharacters);
    }

    [Fact]
    public void Backtick_ForcesUcs2()
    {
        Assert.Equal(SmsEncoding.Gsm7, SmsText.EncodingOf("it's"));
        var measured = SmsText.Measure("it`s");
        Assert.Equal(SmsEncoding.Ucs2, measured.Encoding);
        Assert.Equal(["`"], measured.NonGsmCharacters);
    }

    [Fact]
    public void NonGsmCharacters_AreDistinct_InOrderOfFirstAppearance() =>
        Assert.Equal(["ả", "ơ", "ý", "á", "đ", "ã", "ử", "ụ", "ị"], SmsText.Measure("Cảm ơn quý khách đã sử dụng dịch vụ. Vui lòng đánh giá").NonGsmCharacters);

    [Fact]
    public void GsmAccentedLetters_DoNotForceUcs2() =>
        Assert.Equal(SmsEncoding.Gsm7, SmsText.EncodingOf("à è é ì ò ù É Ç Ä Ö Ñ Ü ä ö ñ ü ß Å å Ø ø Æ æ £ ¥ ¤ § ¿ ¡ ΔΦΓΛΩΠΨΣΘΞ @$_"));

    [Theory]
    [InlineData("á")]
    [InlineData("ç")]
    [InlineData("đ")]
    [InlineData("ư")]
    [InlineData("\u00A0")]
    [InlineData("–")]
    public void CommonNonGsmCharacters_ForceUcs2(string text) => Assert.Equal(SmsEncoding.Ucs2, SmsText.EncodingOf(text));

    [Fact]
    public void LoneSurrogate_IsMeasured_NotThrown()
    {
        var measured = SmsText.Measure("a\uD83D");
        Assert.Equal(SmsEncoding.Ucs2, measured.Encoding);
        Assert.Equal(2, measured.Units);
    }
}
