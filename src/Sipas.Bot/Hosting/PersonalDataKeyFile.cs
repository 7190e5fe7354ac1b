using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Hosting;

/// <summary>
/// The embedded default's personal-data key, generated once and kept beside the data. Losing or silently replacing
/// it makes every stored phone and name unreadable, so it is created so that no reader can ever see a partial file
/// and two processes starting together end up with the same key: each writes a complete private temporary file
/// (created with O_CREAT|O_EXCL and mode 0600, fsynced) and links it into place, which fails if another process's key
/// is already there; the loser reads the winner's key.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class PersonalDataKeyFile
{
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Read(path);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(key + "\n"));
                stream.Flush(flushToDisk: true);
            }

            if (!TryLinkNew(temporary, path))
            {
                return Read(path);
            }

            SyncDirectory(directory);
            return key;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        try
        {
            PersonalDataProtector.FromBase64(text);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"The personal-data key file '{path}' is empty or malformed ({ex.Message}). It protects every stored phone and name: "
                + "restore it from your backup. Only if the database holds no personal data yet, delete the file to generate a new key.",
                ex);
        }

        return text;
    }

    /// <summary>link(2): atomically gives the file its final name unless that name exists (then false).</summary>
    private static bool TryLinkNew(string from, string to)
    {
        if (link(from, to) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EEXIST ? false : throw new IOException($"Could not create the personal-data key file '{to}' (errno {errno}).");
    }

    /// <summary>The new directory entry must survive a power cut too, not only the file's bytes.</summary>
    private static void SyncDirectory(string directory)
    {
        var fd = open(directory, ORdOnly | ODirectory);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = fsync(fd);
        }
        finally
        {
            _ = close(fd);
        }
    }

    private const int EEXIST = 17;
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath);

    [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags);

    [DllImport("libc")]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}
