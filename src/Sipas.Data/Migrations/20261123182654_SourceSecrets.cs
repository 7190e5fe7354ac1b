using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sipas.Data.Migrations
{
    /// <inheritdoc />
    public partial class SourceSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "one_stop_source_secrets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    secret_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    retired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_one_stop_source_secrets", x => x.id);
                    table.ForeignKey(
                        name: "fk_one_stop_source_secrets_one_stop_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "one_stop_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_one_stop_source_secrets_source_id",
                table: "one_stop_source_secrets",
                column: "source_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "one_stop_source_secrets");
        }
    }
}
