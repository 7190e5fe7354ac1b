using System.Text;

namespace Sipas.Bot.Admin;

/// <summary>
/// A CSV file with a header row (RFC 4180: comma-separated, fields in double quotes may hold commas, doubled quotes and
/// line breaks), read as strict UTF-8 with or without a byte-order mark. Each row keeps the line it starts on, so every
/// error can name it. Values are trimmed and put in Unicode composed form (NFC), so "Hoàn Kiếm" typed on any keyboard
/// is stored the same way.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(IReadOnlyList<string> columns, IReadOnlyList<CsvRow> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    public bool Has(string column) => Columns.Contains(column);

    /// <summary>The table, or null with the reasons in <paramref name="errors"/>.</summary>
    public static CsvTable? Read(byte[] bytes, IReadOnlyList<string> required, IReadOnlyList<string> optional, List<ImportError> errors)
    {
        string text;
        try
        {
            var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, bom, bytes.Length - bom);
        }
        catch (DecoderFallbackException ex)
        {
            errors.Add(new ImportError(null, $"The file is not valid UTF-8 (byte {ex.Index} is wrong); save it as UTF-8."));
            return null;
        }

        var records = Parse(text, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        if (records.Count == 0)
        {
            errors.Add(new ImportError(null, $"The file is empty; the first line must name the columns: {string.Join(",", required)}."));
            return null;
        }

        var (headerLine, header) = records[0];
        var columns = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var column in columns.Where(c => !required.Contains(c) && !optional.Contains(c)).Distinct())
        {
            var known = string.Join(", ", required.Concat(optional));
            errors.Add(new ImportError(headerLine, column.Length == 0 ? $"A column has no name (columns are {known})." : $"Unknown column '{column}' (columns are {known})."));
        }

        foreach (var column in columns.GroupBy(c => c).Where(g => g.Count() > 1 && g.Key.Length > 0))
        {
            errors.Add(new ImportError(headerLine, $"Column '{column.Key}' appears {column.Count()} times."));
        }

        foreach (var column in required.Where(c => !columns.Contains(c)))
        {
            errors.Add(new ImportError(headerLine, $"Column '{column}' is missing (required: {string.Join(",", required)})."));
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var rows = new List<CsvRow>(records.Count - 1);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != columns.Count)
            {
                errors.Add(new ImportError(line, $"Has {fields.Count} fields, but the header names {columns.Count} columns."));
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                values[columns[i]] = fields[i].Trim().Normalize(NormalizationForm.FormC);
            }

            rows.Add(new CsvRow(line, values));
        }

        return errors.Count > 0 ? null : new CsvTable(columns, rows);
    }

    /// <summary>Records with the line each starts on; lines holding nothing but spaces are skipped.</summary>
    private static List<(int Line, List<string> Fields)> Parse(string text, List<ImportError> errors)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteStartLine = 0;
        var fieldWasQuoted = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldWasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            if (fields.Count > 1 || fields[0].Trim().Length > 0)
            {
                records.Add((recordLine, fields));
            }

            fields = [];
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0 && !fieldWasQuoted)
            {
                quoted = true;
                fieldWasQuoted = true;
                quoteStartLine = line;
                field.Clear();
            }
            else if (c == ',')
            {
                EndField();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRecord();
                line++;
                recordLine = line;
            }
            else if (c == '"')
            {
                errors.Add(new ImportError(line, "A double quote inside a field that does not start with one; quote the whole field and double the quote (\"\")."));
                return records;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            errors.Add(new ImportError(quoteStartLine, "A quoted field is never closed."));
            return records;
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            EndRecord();
        }

        return records;
    }
}

/// <summary>One data row: the line it starts on and its values by column name (absent optional columns are absent).</summary>
public sealed record CsvRow(int Line, IReadOnlyDictionary<string, string> Values)
{
    public string this[string column] => Values.TryGetValue(column, out var value) ? value : string.Empty;
}

/// <summary>A problem with the file; <see cref="Line"/> is null when it concerns the whole file.</summary>
public sealed record ImportError(int? Line, string Message);
