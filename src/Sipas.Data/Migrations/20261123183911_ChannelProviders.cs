using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sipas.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChannelProviders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "outbound_messages",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "claimed_until",
                table: "outbound_messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "outbound_messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider",
                table: "outbound_messages",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "claim_token",
                table: "invitations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider",
                table: "conversations",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_waiting",
                table: "outbound_messages",
                column: "next_attempt_at",
                filter: "state IN ('Pending', 'Sending')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbound_messages_waiting",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "claimed_until",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "provider",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "claim_token",
                table: "invitations");

            migrationBuilder.DropColumn(
                name: "provider",
                table: "conversations");
        }
    }
}
