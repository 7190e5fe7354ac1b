using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Sipas.Data;

public static class SipasDbContextOptions
{
    public static void Configure(DbContextOptionsBuilder builder, NpgsqlDataSource dataSource) =>
        Quiet(builder.UseNpgsql(dataSource, Npgsql).UseSnakeCaseNamingConvention());

    public static void Configure(DbContextOptionsBuilder builder, string connectionString) =>
        Quiet(builder.UseNpgsql(connectionString, Npgsql).UseSnakeCaseNamingConvention());

    private static void Npgsql(Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable("__ef_migrations_history");

    /// <summary>
    /// A failed command is logged by EF at Error with its stack trace, even when the caller expects it: a unique
    /// index is how we dedupe, so a repeated event or reply "fails" by design. The exception still reaches the
    /// caller, which handles the race or lets the failure surface (and be logged) where it has meaning.
    /// </summary>
    private static void Quiet(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug)));
}
