using System.Globalization;

namespace Sipas.Bot.Admin;

/// <summary>Checks shared by the imports: each records an error against the row's line and returns null when the value is unusable.</summary>
public sealed class ImportFields(List<ImportError> errors)
{
    public List<ImportError> Errors => errors;

    /// <summary>A code: required, at most <paramref name="maxLength"/> characters, no spaces or control characters.</summary>
    public string? Code(CsvRow row, string column, int maxLength, bool required = true)
    {
        var value = Text(row, column, maxLength, required);
        if (value is not null && value.Any(char.IsWhiteSpace))
        {
            return Error<string>(row, $"{column} '{value}' must not contain spaces.");
        }

        return value;
    }

    /// <summary>Free text: at most <paramref name="maxLength"/> characters, no control characters (tabs, line breaks…).</summary>
    public string? Text(CsvRow row, string column, int maxLength, bool required = true)
    {
        var value = row[column];
        if (value.Length == 0)
        {
            return required ? Error<string>(row, $"{column} is required.") : null;
        }

        foreach (var c in value)
        {
            if (IsControl(c))
            {
                return Error<string>(row, $"{column} contains a control character (U+{(int)c:X4}); remove tabs, line breaks and other invisible characters.");
            }
        }

        return value.Length > maxLength ? Error<string>(row, $"{column} is {value.Length} characters long; at most {maxLength} are allowed.") : value;
    }

    /// <summary>An optional date written yyyy-MM-dd.</summary>
    public DateOnly? Date(CsvRow row, string column)
    {
        var value = row[column];
        if (value.Length == 0)
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : Error<DateOnly?>(row, $"{column} '{value}' is not a date written yyyy-MM-dd.");
    }

    public T? Error<T>(CsvRow row, string message)
    {
        errors.Add(new ImportError(row.Line, message));
        return default;
    }

    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}

/// <summary>What an import changed, or why it changed nothing.</summary>
public sealed record ImportReport(IReadOnlyList<ImportError> Errors, int Rows, int Inserted, int Updated, int Unchanged, int Reviewed)
{
    public bool Succeeded => Errors.Count == 0;

    public static ImportReport Failed(IEnumerable<ImportError> errors) =>
        new([.. errors.OrderBy(e => e.Line ?? 0)], Rows: 0, Inserted: 0, Updated: 0, Unchanged: 0, Reviewed: 0);
}
