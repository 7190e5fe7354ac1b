using PhoneNumbers;

namespace Sipas.Bot.Phones;

/// <summary>A Vietnamese phone number normalised to E.164 (+84…).</summary>
public sealed record VietnamesePhone(string E164, bool IsMobile)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Parses the common written forms (0912345678, 84912345678, +84 912 345 678). Letters are refused outright:
    /// libphonenumber would otherwise read them as a vanity number and invent digits.
    /// </summary>
    public static VietnamesePhone? TryParse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 32 || raw.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '.' or '(' or ')')))
        {
            return null;
        }

        var text = raw.Trim();
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        // "84912345678" without the plus is how many systems store Vietnamese numbers.
        if (!text.StartsWith('+') && digits.StartsWith("84", StringComparison.Ordinal) && digits.Length is 11 or 12)
        {
            text = "+" + digits;
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(text, "VN");
        }
        catch (NumberParseException)
        {
            return null;
        }

        if (!Util.IsValidNumberForRegion(number, "VN"))
        {
            return null;
        }

        var type = Util.GetNumberType(number);
        return new VietnamesePhone(Util.Format(number, PhoneNumberFormat.E164), type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE);
    }
}
