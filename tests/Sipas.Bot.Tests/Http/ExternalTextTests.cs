using System.Text.RegularExpressions;
using CsCheck;
using Sipas.Bot.Hosting;
using Sipas.Bot.Http;
using Sipas.Bot.Tests.HostileInput;

namespace Sipas.Bot.Tests.Http;

/// <summary>The one rule for outside text, and the log escaping, checked against the contract written independently in the tests.</summary>
public sealed class ExternalTextTests
{
    private static readonly Gen<string> Texts = Gen.Frequency<string>((3, Hostile.Noise), (1, Hostile.CorpusItem), (1, Gen.String));

    // Escaped in the data and unescaped here: xUnit's serialisation would turn an unpaired surrogate into U+FFFD.
    [Theory]
    [InlineData(@"a\u0000b", "U+0000 at position 1")]
    [InlineData(@"x\uD800", "U+D800 at position 1")]
    [InlineData(@"\uDC00", "U+DC00 at position 0")]
    [InlineData(@"ab\u202E", "U+202E at position 2")]
    [InlineData(@"\u2066", "U+2066 at position 0")]
    [InlineData(@"\uFDD0", "U+FDD0 at position 0")]
    [InlineData(@"a\uD83F\uDFFF", "U+1FFFF at position 1")]
    [InlineData(@"\u0085", "U+0085 at position 0")]
    [InlineData(@"a\tb", "U+0009 at position 1")]
    [InlineData(@"a\u2028b", "U+2028 at position 1")]
    public void ForbiddenCharacter_IsRefused_NamingItAndWhere(string escaped, string found)
    {
        var check = ExternalText.Check(Regex.Unescape(escaped), 100);
        Assert.False(check.IsValid);
        Assert.Contains(found, check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nguyễn Văn A")]
    [InlineData("👨‍👩‍👧 a\u200Bb\uFEFF")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("'; DROP TABLE units; --")]
    [InlineData("\uFFFD")]
    public void OrdinaryText_PassesUnchanged(string text)
    {
        Assert.Equal(new TextCheck(text, null), ExternalText.Check(text, 100));
    }

    [Fact]
    public void Paragraphs_AllowLineBreaksAndTabs_ButNoOtherControls()
    {
        Assert.Equal("1\r\n2\t3\u20284", ExternalText.Check("1\r\n2\t3\u20284", 100, TextShape.Paragraphs).Value);
        Assert.False(ExternalText.Check("1\r\n2\0", 100, TextShape.Paragraphs).IsValid);
        Assert.False(ExternalText.Check("1\u001B[2J", 100, TextShape.Paragraphs).IsValid);
    }

    [Fact]
    public void LengthIsCountedAfterTrimming_AndTheErrorGivesTheLimit()
    {
        Assert.Equal("abc", ExternalText.Check("  abc  ", 3).Value);
        Assert.Equal("Must be at most 3 characters.", ExternalText.Check("abcd", 3).Error);
        Assert.Equal(new TextCheck(null, null), ExternalText.Check(" \u00A0 ", 3));
    }

    [Fact]
    public void AnyText_IsAcceptedExactlyWhenTheContractAllowsIt()
    {
        Gen.Select(Texts, Gen.Int[0, 30], Gen.Bool).Sample(
            (text, max, multiLine) =>
            {
                var shape = multiLine ? TextShape.Paragraphs : TextShape.Line;
                var check = ExternalText.Check(text, max, shape);
                var allowed = !Hostile.IsForbidden(text, multiLine) && text.Trim().Length <= max;
                Assert.Equal(allowed, check.IsValid);
                if (allowed)
                {
                    Assert.Equal(text.Trim() is { Length: > 0 } trimmed ? trimmed : null, check.Value);
                }
            },
            iter: 20_000);
    }

    [Fact]
    public void EscapedLogText_NeverBreaksOrDisguisesALine_AndLeavesOrdinaryTextAlone()
    {
        Texts.Sample(
            text =>
            {
                var escaped = LogText.Escape(text);
                Assert.False(BreaksOrDisguisesALine(escaped), Hostile.Show(escaped));
                if (!BreaksOrDisguisesALine(text))
                {
                    Assert.Equal(text, escaped);
                }
            },
            iter: 20_000);
    }

    /// <summary>What a log line must not contain: controls other than TAB, line separators, bidi controls, unpaired surrogates.</summary>
    private static bool BreaksOrDisguisesALine(string text) =>
        text.Where((c, i) =>
            (c < ' ' && c != '\t') || c is (>= '\u007F' and <= '\u009F') or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
            || (char.IsHighSurrogate(c) && (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1])))
            || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1])))).Any();
}
