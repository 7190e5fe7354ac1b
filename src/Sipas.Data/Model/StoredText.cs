namespace Sipas.Data.Model;

/// <summary>Text cut to fit its column: the error and reason columns hold <see cref="ErrorLength"/> characters.</summary>
public static class StoredText
{
    public const int ErrorLength = 1000;

    public static string Cut(string text, int maxLength = ErrorLength) => text.Length <= maxLength ? text : text[..maxLength];
}
