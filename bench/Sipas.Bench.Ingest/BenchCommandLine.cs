using System.Globalization;
using System.Runtime.InteropServices;

namespace Sipas.Bench.Ingest;

/// <summary>Command-line pieces every benchmark in bench/ shares: option values, the command shown in the summary, Ctrl+C.</summary>
public static class BenchCommandLine
{
    public delegate TOptions? Parser<TOptions>(IReadOnlyList<string> args, out string? error);

    /// <summary>
    /// A benchmark's Main: parses the options (null with no error is --help), runs it under Ctrl+C/SIGTERM handling,
    /// and maps the outcome to an exit code (0 passed, 1 failed or errors, 2 bad options, 130 interrupted).
    /// </summary>
    public static async Task<int> MainAsync<TOptions>(string[] args, Parser<TOptions> parse, string usage, Func<TOptions, CancellationToken, Task<bool>> run)
        where TOptions : class
    {
        var options = parse(args, out var error);
        if (options is null)
        {
            if (error is not null)
            {
                Console.Error.WriteLine($"{error} Run with --help for the options.");
                return 2;
            }
            Console.WriteLine(usage);
            return 0;
        }

        using var cancel = new SignalCancellation();
        try
        {
            return await run(options, cancel.Token) ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted; the service and PostgreSQL were stopped.");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"The benchmark failed: {e}");
            return 1;
        }
    }

    /// <summary>
    /// Reads <c>--name value</c> pairs into <paramref name="options"/> with <paramref name="with"/> (and value-less flags
    /// with <paramref name="flag"/>, which returns null for a name that is not a flag), then checks them. Null with
    /// <paramref name="error"/> set when the arguments are wrong; null and no error for --help.
    /// </summary>
    public static TOptions? Parse<TOptions>(
        IReadOnlyList<string> args, TOptions options, Func<TOptions, string, string, TOptions> with, Action<TOptions> validate, out string? error,
        Func<TOptions, string, TOptions?>? flag = null)
        where TOptions : class
    {
        error = null;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var name = args[i];
                if (name is "-h" or "--help")
                {
                    return null;
                }

                options = flag?.Invoke(options, name) ?? with(options, name, Value(args, ref i));
            }

            validate(options);
            return options;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The value after option <c>args[i]</c>, moving <paramref name="i"/> onto it.</summary>
    public static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value.");

    public static int WholeNumber(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{name} needs a whole number, not '{value}'.");

    public static double Number(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{name} needs a number, not '{value}'.");

    /// <summary>A <c>--service-env</c> value, checked to be NAME=VALUE.</summary>
    public static string EnvironmentSetting(string value) =>
        value.IndexOf('=', StringComparison.Ordinal) > 0 ? value : throw new FormatException($"--service-env needs NAME=VALUE, not '{value}'.");

    /// <summary>The command as a reader reruns it: the --repo that the bench/run-* scripts add is this machine's path.</summary>
    public static string Displayed(string script, IReadOnlyList<string> args)
    {
        var shown = args.Where((a, i) => a != "--repo" && (i == 0 || args[i - 1] != "--repo"));
        return string.Join(' ', [script, .. shown]);
    }
}

/// <summary>Ctrl+C and SIGTERM cancel the run instead of killing it, so the service and PostgreSQL are still stopped.</summary>
public sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public SignalCancellation()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
    }

    public CancellationToken Token => _cancel.Token;

    public bool IsCancellationRequested => _cancel.IsCancellationRequested;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }

    private void Cancel(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancel.Cancel();
    }
}
