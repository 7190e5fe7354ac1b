namespace Sipas.Data.Hosting;

/// <summary>How <see cref="PostgresCluster"/> lays out and runs its private PostgreSQL server.</summary>
public sealed record PostgresClusterOptions
{
    /// <summary>Folder that holds the cluster: the server's files in <c>pgdata</c>, its log in <c>postgres.log</c>, the superuser password in <c>pg-password</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>True: the whole <see cref="DataDirectory"/> is deleted on dispose (tests).</summary>
    public bool Ephemeral { get; init; }

    /// <summary>False: fsync, synchronous_commit and full_page_writes are off — a crash can lose or corrupt data, so only for tests.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Loopback port to listen on; 0 picks a free one on each start.</summary>
    public int Port { get; init; }

    /// <summary>Database that <see cref="PostgresCluster.ConnectionString"/> points at; created if missing.</summary>
    public string Database { get; init; } = "sipas";

    public int MaxConnections { get; init; } = 300;
}
