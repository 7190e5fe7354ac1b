using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Sipas.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    before = table.Column<string>(type: "jsonb", nullable: true),
                    after = table.Column<string>(type: "jsonb", nullable: true),
                    remote_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "channel_provider_states",
                columns: table => new
                {
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    paused_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pause_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    credentials_encrypted = table.Column<byte[]>(type: "bytea", nullable: true),
                    credentials_renew_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_provider_states", x => x.provider);
                });

            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_encrypted = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contacts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "holiday_seed_years",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    seeded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holiday_seed_years", x => x.year);
                });

            migrationBuilder.CreateTable(
                name: "holidays",
                columns: table => new
                {
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    source = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holidays", x => x.date);
                });

            migrationBuilder.CreateTable(
                name: "one_stop_sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_one_stop_sources", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "procedures",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    needs_review = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_procedures", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "questionnaires",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    method_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_questionnaires", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rate_limit_slots",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    theoretical_arrival = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_limit_slots", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "units",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true),
                    needs_review = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_units", x => x.id);
                    table.ForeignKey(
                        name: "fk_units_units_parent_id",
                        column: x => x.parent_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_addresses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    address_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    address_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_addresses", x => x.id);
                    table.ForeignKey(
                        name: "fk_contact_addresses_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "opt_outs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    only_channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    opted_out_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    opted_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_opt_outs", x => x.id);
                    table.ForeignKey(
                        name: "fk_opt_outs_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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

            migrationBuilder.CreateTable(
                name: "questionnaire_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    questionnaire_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    dimension = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    allows_not_applicable = table.Column<bool>(type: "boolean", nullable: false),
                    text_vi = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_questionnaire_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_questionnaire_items_questionnaires_questionnaire_id",
                        column: x => x.questionnaire_id,
                        principalTable: "questionnaires",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "dossiers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    procedure_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    returned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    return_method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    official_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    citizen_name_encrypted = table.Column<byte[]>(type: "bytea", nullable: true),
                    preferred_channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dossiers", x => x.id);
                    table.ForeignKey(
                        name: "fk_dossiers_one_stop_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "one_stop_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dossiers_procedures_procedure_id",
                        column: x => x.procedure_id,
                        principalTable: "procedures",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dossiers_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "staff_users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    scope_unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_staff_users_units_scope_unit_id",
                        column: x => x.scope_unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "unit_daily_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    events = table.Column<int>(type: "integer", nullable: false),
                    invited = table.Column<int>(type: "integer", nullable: false),
                    delivered = table.Column<int>(type: "integer", nullable: false),
                    started = table.Column<int>(type: "integer", nullable: false),
                    completed = table.Column<int>(type: "integer", nullable: false),
                    partial = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    skipped = table.Column<string>(type: "jsonb", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_daily_counts", x => x.id);
                    table.ForeignKey(
                        name: "fk_unit_daily_counts_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "unit_send_settings",
                columns: table => new
                {
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    delay_after_return = table.Column<TimeSpan>(type: "interval", nullable: true),
                    window_start_minute = table.Column<int>(type: "integer", nullable: true),
                    window_end_minute = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_send_settings", x => x.unit_id);
                    table.CheckConstraint("ck_unit_send_settings_delay", "delay_after_return IS NULL OR delay_after_return >= interval '0'");
                    table.CheckConstraint("ck_unit_send_settings_end", "window_end_minute IS NULL OR window_end_minute BETWEEN 1 AND 1440");
                    table.CheckConstraint("ck_unit_send_settings_start", "window_start_minute IS NULL OR window_start_minute BETWEEN 0 AND 1439");
                    table.ForeignKey(
                        name: "fk_unit_send_settings_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    dossier_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    skip_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    claim_token = table.Column<Guid>(type: "uuid", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    questionnaire_id = table.Column<Guid>(type: "uuid", nullable: false),
                    send_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reminded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invitations", x => x.id);
                    table.ForeignKey(
                        name: "fk_invitations_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invitations_dossiers_dossier_id",
                        column: x => x.dossier_id,
                        principalTable: "dossiers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invitations_questionnaires_questionnaire_id",
                        column: x => x.questionnaire_id,
                        principalTable: "questionnaires",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateTable(
                name: "staff_user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_staff_user_claims_staff_users_user_id",
                        column: x => x.user_id,
                        principalTable: "staff_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "staff_user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_staff_user_logins_staff_users_user_id",
                        column: x => x.user_id,
                        principalTable: "staff_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "staff_user_tokens",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_staff_user_tokens_staff_users_user_id",
                        column: x => x.user_id,
                        principalTable: "staff_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    invitation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    current_position = table.Column<int>(type: "integer", nullable: true),
                    misses = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    pending_comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                    table.ForeignKey(
                        name: "fk_conversations_invitations_invitation_id",
                        column: x => x.invitation_id,
                        principalTable: "invitations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "inbound_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    external_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    payload_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    payload_sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    invitation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    processing_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_inbound_events_invitations_invitation_id",
                        column: x => x.invitation_id,
                        principalTable: "invitations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invitation_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    invitation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    rule = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: true),
                    deferred_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invitation_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_invitation_decisions_invitations_invitation_id",
                        column: x => x.invitation_id,
                        principalTable: "invitations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    invitation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    questionnaire_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_late = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_responses", x => x.id);
                    table.ForeignKey(
                        name: "fk_responses_invitations_invitation_id",
                        column: x => x.invitation_id,
                        principalTable: "invitations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_responses_questionnaires_questionnaire_id",
                        column: x => x.questionnaire_id,
                        principalTable: "questionnaires",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "inbound_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    sender_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    sender_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_inbound_messages_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "outbound_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    invitation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    purpose = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    recipient_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    recipient_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    choices = table.Column<string>(type: "jsonb", nullable: false),
                    data = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    claimed_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbound_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_outbound_messages_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_outbound_messages_invitations_invitation_id",
                        column: x => x.invitation_id,
                        principalTable: "invitations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateTable(
                name: "answers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    response_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    value = table.Column<int>(type: "integer", nullable: true),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    is_late = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_answers", x => x.id);
                    table.ForeignKey(
                        name: "fk_answers_responses_response_id",
                        column: x => x.response_id,
                        principalTable: "responses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "response_reasons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    response_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    text = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    dimension = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_response_reasons", x => x.id);
                    table.ForeignKey(
                        name: "fk_response_reasons_responses_response_id",
                        column: x => x.response_id,
                        principalTable: "responses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "questionnaires",
                columns: new[] { "id", "code", "created_at", "is_active", "method_version", "title", "version" },
                values: new object[,]
                {
                    { new Guid("0199a000-0000-7000-8000-000000000001"), "short", new DateTimeOffset(new DateTime(2026, 11, 22, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), true, "sipas-v1", "Khảo sát ngắn (chat, SMS hai chiều)", 1 },
                    { new Guid("0199a000-0000-7000-8000-000000000002"), "full", new DateTimeOffset(new DateTime(2026, 11, 22, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), true, "sipas-v1", "Khảo sát đầy đủ (biểu mẫu web)", 1 }
                });

            migrationBuilder.InsertData(
                table: "questionnaire_items",
                columns: new[] { "id", "allows_not_applicable", "code", "dimension", "kind", "position", "questionnaire_id", "text_vi" },
                values: new object[,]
                {
                    { new Guid("0199a000-0000-7000-8001-000000000100"), false, "OVERALL", "OVERALL", "Scale", 1, new Guid("0199a000-0000-7000-8000-000000000001"), "Nhìn chung, Ông/Bà hài lòng thế nào với toàn bộ quá trình giải quyết thủ tục hành chính?" },
                    { new Guid("0199a000-0000-7000-8001-000000000101"), false, "ACCESS", "ACCESS", "Scale", 2, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà hài lòng thế nào về việc tiếp cận dịch vụ (nơi tiếp nhận, hướng dẫn, trang thiết bị)?" },
                    { new Guid("0199a000-0000-7000-8001-000000000102"), false, "PROCEDURE", "PROCEDURE", "Scale", 3, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà hài lòng thế nào về thủ tục hành chính (công khai, hồ sơ, phí, thời hạn)?" },
                    { new Guid("0199a000-0000-7000-8001-000000000103"), false, "OFFICIAL", "OFFICIAL", "Scale", 4, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà hài lòng thế nào về công chức trực tiếp giải quyết công việc?" },
                    { new Guid("0199a000-0000-7000-8001-000000000104"), false, "RESULT", "RESULT", "Scale", 5, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà hài lòng thế nào về kết quả giải quyết thủ tục hành chính?" },
                    { new Guid("0199a000-0000-7000-8001-000000000105"), true, "FEEDBACK", "FEEDBACK", "Scale", 6, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà hài lòng thế nào về việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị?" },
                    { new Guid("0199a000-0000-7000-8001-000000000106"), false, "COMMENT", "COMMENT", "Text", 7, new Guid("0199a000-0000-7000-8000-000000000001"), "Ông/Bà có góp ý gì thêm không? Xin nhắn nội dung góp ý." },
                    { new Guid("0199a000-0000-7000-8001-000000000200"), false, "ACCESS.1", "ACCESS", "Scale", 1, new Guid("0199a000-0000-7000-8000-000000000002"), "Nơi tiếp nhận và trả kết quả có biển hiệu, hướng dẫn rõ ràng, dễ tìm." },
                    { new Guid("0199a000-0000-7000-8001-000000000201"), false, "ACCESS.2", "ACCESS", "Scale", 2, new Guid("0199a000-0000-7000-8000-000000000002"), "Nơi tiếp nhận và trả kết quả có đủ ghế ngồi chờ và bàn viết." },
                    { new Guid("0199a000-0000-7000-8001-000000000202"), false, "ACCESS.3", "ACCESS", "Scale", 3, new Guid("0199a000-0000-7000-8000-000000000002"), "Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, dễ sử dụng." },
                    { new Guid("0199a000-0000-7000-8001-000000000203"), false, "ACCESS.4", "ACCESS", "Scale", 4, new Guid("0199a000-0000-7000-8000-000000000002"), "Thông tin về thủ tục dễ tìm trên cổng dịch vụ công và tại nơi tiếp nhận." },
                    { new Guid("0199a000-0000-7000-8001-000000000204"), true, "ACCESS.5", "ACCESS", "Scale", 5, new Guid("0199a000-0000-7000-8000-000000000002"), "Việc nộp hồ sơ, tra cứu tiến độ trực tuyến thuận tiện." },
                    { new Guid("0199a000-0000-7000-8001-000000000205"), false, "PROCEDURE.1", "PROCEDURE", "Scale", 6, new Guid("0199a000-0000-7000-8000-000000000002"), "Thủ tục hành chính được niêm yết công khai đầy đủ, dễ thấy, dễ đọc." },
                    { new Guid("0199a000-0000-7000-8001-000000000206"), false, "PROCEDURE.2", "PROCEDURE", "Scale", 7, new Guid("0199a000-0000-7000-8000-000000000002"), "Thành phần hồ sơ và phí, lệ phí phải nộp đúng quy định." },
                    { new Guid("0199a000-0000-7000-8001-000000000207"), false, "PROCEDURE.3", "PROCEDURE", "Scale", 8, new Guid("0199a000-0000-7000-8000-000000000002"), "Thời hạn giải quyết (từ khi tiếp nhận đến ngày trả kết quả) đúng quy định." },
                    { new Guid("0199a000-0000-7000-8001-000000000208"), false, "OFFICIAL.1", "OFFICIAL", "Scale", 9, new Guid("0199a000-0000-7000-8000-000000000002"), "Công chức có thái độ giao tiếp lịch sự, tôn trọng." },
                    { new Guid("0199a000-0000-7000-8001-000000000209"), false, "OFFICIAL.2", "OFFICIAL", "Scale", 10, new Guid("0199a000-0000-7000-8000-000000000002"), "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu, một lần là đủ." },
                    { new Guid("0199a000-0000-7000-8001-000000000210"), false, "OFFICIAL.3", "OFFICIAL", "Scale", 11, new Guid("0199a000-0000-7000-8000-000000000002"), "Công chức trả lời, giải đáp đầy đủ, kịp thời các ý kiến của Ông/Bà." },
                    { new Guid("0199a000-0000-7000-8001-000000000211"), false, "OFFICIAL.4", "OFFICIAL", "Scale", 12, new Guid("0199a000-0000-7000-8000-000000000002"), "Công chức tuân thủ đúng quy định trong giải quyết công việc." },
                    { new Guid("0199a000-0000-7000-8001-000000000212"), false, "RESULT.1", "RESULT", "Scale", 13, new Guid("0199a000-0000-7000-8000-000000000002"), "Kết quả được trả đúng hẹn." },
                    { new Guid("0199a000-0000-7000-8001-000000000213"), false, "RESULT.2", "RESULT", "Scale", 14, new Guid("0199a000-0000-7000-8000-000000000002"), "Kết quả đúng quy định." },
                    { new Guid("0199a000-0000-7000-8001-000000000214"), false, "RESULT.3", "RESULT", "Scale", 15, new Guid("0199a000-0000-7000-8000-000000000002"), "Kết quả có thông tin đầy đủ, chính xác." },
                    { new Guid("0199a000-0000-7000-8001-000000000215"), false, "RESULT.4", "RESULT", "Scale", 16, new Guid("0199a000-0000-7000-8000-000000000002"), "Việc giải quyết hồ sơ bảo đảm công bằng." },
                    { new Guid("0199a000-0000-7000-8001-000000000216"), true, "RESULT.5", "RESULT", "Scale", 17, new Guid("0199a000-0000-7000-8000-000000000002"), "Khi hồ sơ bị trễ hẹn, Ông/Bà nhận được văn bản xin lỗi và hẹn lại." },
                    { new Guid("0199a000-0000-7000-8001-000000000217"), true, "RESULT.6", "RESULT", "Scale", 18, new Guid("0199a000-0000-7000-8000-000000000002"), "Hình thức nhận kết quả (tại quầy, bưu chính, trực tuyến) thuận tiện." },
                    { new Guid("0199a000-0000-7000-8001-000000000218"), false, "FEEDBACK.1", "FEEDBACK", "YesNo", 19, new Guid("0199a000-0000-7000-8000-000000000002"), "Ông/Bà có gửi góp ý, phản ánh, kiến nghị trong quá trình giải quyết thủ tục không?" },
                    { new Guid("0199a000-0000-7000-8001-000000000219"), true, "FEEDBACK.2", "FEEDBACK", "Scale", 20, new Guid("0199a000-0000-7000-8000-000000000002"), "Hình thức tiếp nhận góp ý, phản ánh, kiến nghị dễ dàng, thuận tiện." },
                    { new Guid("0199a000-0000-7000-8001-000000000220"), true, "FEEDBACK.3", "FEEDBACK", "Scale", 21, new Guid("0199a000-0000-7000-8000-000000000002"), "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý có trách nhiệm và thông báo kết quả kịp thời." },
                    { new Guid("0199a000-0000-7000-8001-000000000221"), false, "OVERALL", "OVERALL", "Scale", 22, new Guid("0199a000-0000-7000-8000-000000000002"), "Nhìn chung, Ông/Bà hài lòng thế nào với toàn bộ quá trình giải quyết thủ tục hành chính?" },
                    { new Guid("0199a000-0000-7000-8001-000000000222"), false, "COMMENT", "COMMENT", "Text", 23, new Guid("0199a000-0000-7000-8000-000000000002"), "Ông/Bà có góp ý gì để chúng tôi phục vụ tốt hơn?" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_answers_response_id_item_code",
                table: "answers",
                columns: new[] { "response_id", "item_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_at",
                table: "audit_entries",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_unit_id_at",
                table: "audit_entries",
                columns: new[] { "unit_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_addresses_contact_id",
                table: "contact_addresses",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_addresses_provider_address_hash",
                table: "contact_addresses",
                columns: new[] { "provider", "address_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_phone_hash",
                table: "contacts",
                column: "phone_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversations_contact_channel",
                table: "conversations",
                columns: new[] { "contact_id", "channel" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_invitation_id",
                table: "conversations",
                column: "invitation_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversations_one_active",
                table: "conversations",
                columns: new[] { "contact_id", "channel" },
                unique: true,
                filter: "state = 'Active'");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_code",
                table: "dossiers",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_procedure_id",
                table: "dossiers",
                column: "procedure_id");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_source_id",
                table: "dossiers",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_unit_id_returned_at",
                table: "dossiers",
                columns: new[] { "unit_id", "returned_at" });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_events_invitation_id",
                table: "inbound_events",
                column: "invitation_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_events_kind_source_external_id",
                table: "inbound_events",
                columns: new[] { "kind", "source", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbound_events_webhooks_waiting",
                table: "inbound_events",
                column: "received_at",
                filter: "processed_at IS NULL AND error IS NULL AND kind = 'webhook'");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_messages_channel_sender_hash_received_at",
                table: "inbound_messages",
                columns: new[] { "channel", "sender_hash", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_messages_conversation_id",
                table: "inbound_messages",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_messages_provider_provider_message_id",
                table: "inbound_messages",
                columns: new[] { "provider", "provider_message_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invitation_decisions_at_id",
                table: "invitation_decisions",
                columns: new[] { "at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_invitation_decisions_invitation_id",
                table: "invitation_decisions",
                column: "invitation_id");

            migrationBuilder.CreateIndex(
                name: "ix_invitation_decisions_unit_id_at",
                table: "invitation_decisions",
                columns: new[] { "unit_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_invitations_code",
                table: "invitations",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invitations_contact_id_send_started_at",
                table: "invitations",
                columns: new[] { "contact_id", "send_started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_invitations_dossier_id",
                table: "invitations",
                column: "dossier_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invitations_due_scheduled",
                table: "invitations",
                column: "due_at",
                filter: "state = 'Scheduled'");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_questionnaire_id",
                table: "invitations",
                column: "questionnaire_id");

            migrationBuilder.CreateIndex(
                name: "ix_one_stop_source_secrets_source_id",
                table: "one_stop_source_secrets",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_one_stop_sources_code",
                table: "one_stop_sources",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_opt_outs_contact_id_only_channel",
                table: "opt_outs",
                columns: new[] { "contact_id", "only_channel" },
                unique: true,
                filter: "opted_in_at IS NULL")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_channel_recipient_hash_created_at",
                table: "outbound_messages",
                columns: new[] { "channel", "recipient_hash", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_contact_id",
                table: "outbound_messages",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_conversation_id",
                table: "outbound_messages",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_idempotency_key",
                table: "outbound_messages",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_invitation_id",
                table: "outbound_messages",
                column: "invitation_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_provider_provider_message_id",
                table: "outbound_messages",
                columns: new[] { "provider", "provider_message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbound_messages_waiting",
                table: "outbound_messages",
                column: "next_attempt_at",
                filter: "state IN ('Pending', 'Sending')");

            migrationBuilder.CreateIndex(
                name: "ix_procedures_code",
                table: "procedures",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_questionnaire_items_questionnaire_id_code",
                table: "questionnaire_items",
                columns: new[] { "questionnaire_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_questionnaire_items_questionnaire_id_position",
                table: "questionnaire_items",
                columns: new[] { "questionnaire_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_questionnaires_code_version",
                table: "questionnaires",
                columns: new[] { "code", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_response_reasons_response_id",
                table: "response_reasons",
                column: "response_id");

            migrationBuilder.CreateIndex(
                name: "ix_responses_invitation_id",
                table: "responses",
                column: "invitation_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_responses_questionnaire_id",
                table: "responses",
                column: "questionnaire_id");

            migrationBuilder.CreateIndex(
                name: "ix_staff_user_claims_user_id",
                table: "staff_user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_staff_user_logins_user_id",
                table: "staff_user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "staff_users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "ix_staff_users_scope_unit_id",
                table: "staff_users",
                column: "scope_unit_id");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "staff_users",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_unit_daily_counts_computed_at",
                table: "unit_daily_counts",
                column: "computed_at");

            migrationBuilder.CreateIndex(
                name: "ix_unit_daily_counts_day_unit_id_channel",
                table: "unit_daily_counts",
                columns: new[] { "day", "unit_id", "channel" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_unit_daily_counts_unit_id",
                table: "unit_daily_counts",
                column: "unit_id");

            migrationBuilder.CreateIndex(
                name: "ix_units_code",
                table: "units",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_units_parent_id",
                table: "units",
                column: "parent_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "answers");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "channel_provider_states");

            migrationBuilder.DropTable(
                name: "contact_addresses");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "holiday_seed_years");

            migrationBuilder.DropTable(
                name: "holidays");

            migrationBuilder.DropTable(
                name: "inbound_events");

            migrationBuilder.DropTable(
                name: "inbound_messages");

            migrationBuilder.DropTable(
                name: "invitation_decisions");

            migrationBuilder.DropTable(
                name: "one_stop_source_secrets");

            migrationBuilder.DropTable(
                name: "opt_outs");

            migrationBuilder.DropTable(
                name: "outbound_messages");

            migrationBuilder.DropTable(
                name: "questionnaire_items");

            migrationBuilder.DropTable(
                name: "rate_limit_slots");

            migrationBuilder.DropTable(
                name: "response_reasons");

            migrationBuilder.DropTable(
                name: "staff_user_claims");

            migrationBuilder.DropTable(
                name: "staff_user_logins");

            migrationBuilder.DropTable(
                name: "staff_user_tokens");

            migrationBuilder.DropTable(
                name: "unit_daily_counts");

            migrationBuilder.DropTable(
                name: "unit_send_settings");

            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "responses");

            migrationBuilder.DropTable(
                name: "staff_users");

            migrationBuilder.DropTable(
                name: "invitations");

            migrationBuilder.DropTable(
                name: "contacts");

            migrationBuilder.DropTable(
                name: "dossiers");

            migrationBuilder.DropTable(
                name: "questionnaires");

            migrationBuilder.DropTable(
                name: "one_stop_sources");

            migrationBuilder.DropTable(
                name: "procedures");

            migrationBuilder.DropTable(
                name: "units");
        }
    }
}
