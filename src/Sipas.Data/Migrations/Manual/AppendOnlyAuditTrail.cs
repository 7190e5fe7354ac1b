using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Sipas.Data.Migrations;

/// <summary>
/// The audit trail refuses UPDATE, DELETE and TRUNCATE in the database itself, so no code path, and no one with the
/// application's connection, can rewrite what staff did. Hand-written (EF cannot express triggers), kept out of the
/// generated migrations' files (in Manual/, but in their namespace, so a plain `dotnet ef migrations add` still writes
/// to Migrations/) so regenerating them keeps it; its id sorts after any generated migration.
/// </summary>
[DbContext(typeof(SipasDbContext))]
[Migration("99990101000000_AppendOnlyAuditTrail")]
public sealed class AppendOnlyAuditTrail : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_entries is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END $$;
            CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entries
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER audit_entries_append_only ON audit_entries;
            DROP FUNCTION refuse_audit_change();
            """);
    }
}
