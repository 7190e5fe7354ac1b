using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sipas.Bot.Channels;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>The grouped writes of sent messages, against a real database: what each caller is told, and what is stored.</summary>
public sealed class MessageGroupWritesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ConcurrentInserts_StoreOneMessagePerKey_AndTellEachCallerWhetherItsOwnWasStored()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("group_writes"));
        await using var writes = new MessageGroupWrites(dataSource, NullLogger<MessageGroupWrites>.Instance);
        var messages = Enumerable.Range(0, 40).Select(n => Message($"key-{n % 20}")).ToList();

        var results = await Task.WhenAll(messages.Select(m => writes.TryInsertClaimedAsync(m, Now.AddMinutes(1), CancellationToken.None)));

        Assert.All(results, r => Assert.NotNull(r));
        Assert.Equal(20, results.Count(r => r == true));
        await using var count = dataSource.CreateCommand("SELECT count(*), count(*) FILTER (WHERE state = 'Sending' AND attempts = 1) FROM outbound_messages");
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(20, reader.GetInt64(0));
        Assert.Equal(20, reader.GetInt64(1));
    }

    [Fact]
    public async Task AcceptedRecord_SettlesTheMessage_WithTheProvidersId()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("group_writes"));
        await using var writes = new MessageGroupWrites(dataSource, NullLogger<MessageGroupWrites>.Instance);
        var message = Message("accepted");
        Assert.True(await writes.TryInsertClaimedAsync(message, Now.AddMinutes(1), CancellationToken.None));

        Assert.True(await writes.TryRecordAcceptedAsync(message.Id, "SM123", delivered: false, Now, CancellationToken.None));

        await using var read = dataSource.CreateCommand($"SELECT state, provider_message_id, claimed_until IS NULL FROM outbound_messages WHERE id = '{message.Id}'");
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal("Accepted", reader.GetString(0));
        Assert.Equal("SM123", reader.GetString(1));
        Assert.True(reader.GetBoolean(2));
    }

    [Fact]
    public async Task GroupThatCannotBeWritten_StoresNothing_AndTellsEveryCallerToWriteAlone()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("group_writes"));
        await using var writes = new MessageGroupWrites(dataSource, NullLogger<MessageGroupWrites>.Instance);
        // An invitation that does not exist breaks its foreign key, and with it the statement of its group.
        var broken = Message("broken");
        broken.InvitationId = Guid.CreateVersion7();

        Assert.Null(await writes.TryInsertClaimedAsync(broken, Now.AddMinutes(1), CancellationToken.None));

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM outbound_messages");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
        Assert.True(await writes.TryInsertClaimedAsync(Message("after"), Now.AddMinutes(1), CancellationToken.None));
    }

    private static OutboundMessage Message(string key) => new()
    {
        Id = Guid.CreateVersion7(),
        IdempotencyKey = key,
        Channel = ChannelKind.Sms,
        Provider = "twilio",
        Purpose = MessagePurpose.Invitation,
        RecipientHash = [1, 2, 3],
        RecipientEncrypted = [4, 5, 6],
        Body = "Kính mời Ông/Bà đánh giá",
        State = OutboundState.Pending,
        CreatedAt = Now,
    };
}
