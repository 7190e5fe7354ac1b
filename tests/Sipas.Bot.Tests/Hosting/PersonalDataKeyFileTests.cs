using System.Runtime.Versioning;
using Sipas.Bot.Hosting;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Tests.Hosting;

[UnsupportedOSPlatform("windows")]
public sealed class PersonalDataKeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sipas-key-").FullName;

    private string KeyPath => Path.Combine(_directory, "personal-data.key");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FirstStart_CreatesAValidKeyReadableOnlyByItsOwner_AndLaterStartsReadTheSameKey()
    {
        var created = PersonalDataKeyFile.LoadOrCreate(KeyPath);

        Assert.Equal(32, Convert.FromBase64String(created).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(created, PersonalDataKeyFile.LoadOrCreate(KeyPath));
        Assert.Equal([KeyPath], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task ManyStartsAtOnce_AllEndUpWithOneKey()
    {
        using var start = new Barrier(16);
        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return PersonalDataKeyFile.LoadOrCreate(KeyPath);
        })));

        Assert.Single(keys.Distinct());
        Assert.Equal(keys[0], File.ReadAllText(KeyPath).Trim());
        Assert.Equal([KeyPath], Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void EmptyOrMalformedKeyFile_StopsTheStart_WithAClearMessage_AndIsLeftUntouched(string content)
    {
        File.WriteAllText(KeyPath, content);

        var error = Assert.Throws<InvalidOperationException>(() => PersonalDataKeyFile.LoadOrCreate(KeyPath));

        Assert.Contains(KeyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it from your backup", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(KeyPath));
    }

    [Fact]
    public void CreatedKey_OpensWhatItEncrypted()
    {
        var protector = PersonalDataProtector.FromBase64(PersonalDataKeyFile.LoadOrCreate(KeyPath));
        var again = PersonalDataProtector.FromBase64(PersonalDataKeyFile.LoadOrCreate(KeyPath));

        Assert.Equal("+84912345678", again.Decrypt(protector.Encrypt("+84912345678")));
    }
}
