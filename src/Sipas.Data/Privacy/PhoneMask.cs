namespace Sipas.Data.Privacy;

public static class PhoneMask
{
    /// <summary>Shows a phone as the citizen would recognise it, with the middle hidden: +84912345678 → 091****678.</summary>
    public static string Mask(string e164)
    {
        var national = e164.StartsWith("+84", StringComparison.Ordinal) ? "0" + e164[3..] : e164;
        return national.Length <= 6 ? new string('*', national.Length) : national[..3] + "****" + national[^3..];
    }
}
