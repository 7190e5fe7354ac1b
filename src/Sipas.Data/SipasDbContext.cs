using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Sipas.Data.Model;

namespace Sipas.Data;

public sealed class SipasDbContext(DbContextOptions<SipasDbContext> options) : IdentityUserContext<StaffUser, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<Procedure> Procedures => Set<Procedure>();
    public DbSet<OneStopSource> OneStopSources => Set<OneStopSource>();
    public DbSet<OneStopSourceSecret> OneStopSourceSecrets => Set<OneStopSourceSecret>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactAddress> ContactAddresses => Set<ContactAddress>();
    public DbSet<Dossier> Dossiers => Set<Dossier>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();
    public DbSet<InboundMessage> InboundMessages => Set<InboundMessage>();
    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Response> Responses => Set<Response>();
    public DbSet<Answer> Answers => Set<Answer>();
    public DbSet<ResponseReason> ResponseReasons => Set<ResponseReason>();
    public DbSet<ChannelProviderState> ChannelProviderStates => Set<ChannelProviderState>();
    public DbSet<RateLimitSlot> RateLimitSlots => Set<RateLimitSlot>();
    public DbSet<OptOut> OptOuts => Set<OptOut>();
    public DbSet<Questionnaire> Questionnaires => Set<Questionnaire>();
    public DbSet<QuestionnaireItem> QuestionnaireItems => Set<QuestionnaireItem>();

    public DbSet<UnitSendSettings> UnitSendSettings => Set<UnitSendSettings>();
    public DbSet<Holiday> Holidays => Set<Holiday>();
    public DbSet<HolidaySeedYear> HolidaySeedYears => Set<HolidaySeedYear>();
    public DbSet<InvitationDecision> InvitationDecisions => Set<InvitationDecision>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UnitDailyCount> UnitDailyCounts => Set<UnitDailyCount>();

    /// <summary>ASP.NET Core's data-protection keys (they sign the web form's anti-forgery tokens), shared by every instance, encrypted.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored as their names ('Scheduled', 'Sent'…), so SQL reports and audits need no lookup table.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity's tables (users, claims, logins, tokens: the TOTP key and recovery codes), named for what they hold.
        base.OnModelCreating(builder);
        var modelBuilder = builder;
        modelBuilder.Entity<StaffUser>(e =>
        {
            e.ToTable("staff_users");
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.HasOne<Unit>().WithMany().HasForeignKey(u => u.ScopeUnitId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("staff_user_claims");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("staff_user_logins");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("staff_user_tokens");
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.UnitId, a.At });
            e.Property(a => a.ActorName).HasMaxLength(256);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Target).HasMaxLength(300);
            e.Property(a => a.Before).HasColumnType("jsonb");
            e.Property(a => a.After).HasColumnType("jsonb");
            e.Property(a => a.RemoteAddress).HasMaxLength(64);
        });
        modelBuilder.Entity<UnitSendSettings>(e =>
        {
            e.HasKey(s => s.UnitId);
            e.HasOne<Unit>().WithOne().HasForeignKey<UnitSendSettings>(s => s.UnitId).OnDelete(DeleteBehavior.Cascade);
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_unit_send_settings_start", "window_start_minute IS NULL OR window_start_minute BETWEEN 0 AND 1439");
                t.HasCheckConstraint("ck_unit_send_settings_end", "window_end_minute IS NULL OR window_end_minute BETWEEN 1 AND 1440");
                t.HasCheckConstraint("ck_unit_send_settings_delay", "delay_after_return IS NULL OR delay_after_return >= interval '0'");
            });
        });
        modelBuilder.Entity<Holiday>(e =>
        {
            e.HasKey(h => h.Date);
            e.Property(h => h.Name).HasMaxLength(200);
            e.Property(h => h.Source).HasMaxLength(500);
        });
        modelBuilder.Entity<HolidaySeedYear>(e =>
        {
            e.HasKey(y => y.Year);
            e.Property(y => y.Year).ValueGeneratedNever();
        });
        modelBuilder.Entity<InvitationDecision>(e =>
        {
            e.HasIndex(d => d.InvitationId);
            e.HasIndex(d => new { d.UnitId, d.At });
            // The decision log's first page, unfiltered (a Supervisor's view): newest first without sorting the table.
            e.HasIndex(d => new { d.At, d.Id }).IsDescending(true, true);
            e.Property(d => d.Rule).HasMaxLength(32);
            e.Property(d => d.Parameters).HasColumnType("jsonb");
            e.HasOne<Invitation>().WithMany().HasForeignKey(d => d.InvitationId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<UnitDailyCount>(e =>
        {
            // One row per unit, day and channel (null channel included): the counts job replaces rows, never adds twins.
            e.HasIndex(c => new { c.Day, c.UnitId, c.Channel }).IsUnique().AreNullsDistinct(false);
            // The page's "as of" is the newest row: read from the index's end, not by scanning the table.
            e.HasIndex(c => c.ComputedAt);
            e.Property(c => c.Skipped).HasColumnType("jsonb").HasConversion(JsonColumn.Converter<Dictionary<string, int>>(), JsonColumn.Comparer<Dictionary<string, int>>());
            e.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Unit>(e =>
        {
            e.HasIndex(u => u.Code).IsUnique();
            e.Property(u => u.Code).HasMaxLength(64);
            e.Property(u => u.Name).HasMaxLength(300);
            e.HasOne(u => u.Parent).WithMany().HasForeignKey(u => u.ParentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Procedure>(e =>
        {
            e.HasIndex(p => p.Code).IsUnique();
            e.Property(p => p.Code).HasMaxLength(64);
            e.Property(p => p.Name).HasMaxLength(500);
        });
        modelBuilder.Entity<OneStopSource>(e =>
        {
            e.HasIndex(s => s.Code).IsUnique();
            e.Property(s => s.Code).HasMaxLength(64);
        });
        modelBuilder.Entity<OneStopSourceSecret>(e =>
        {
            e.HasIndex(s => s.SourceId);
            e.HasOne(s => s.Source).WithMany().HasForeignKey(s => s.SourceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Contact>(e =>
        {
            e.HasIndex(c => c.PhoneHash).IsUnique();
        });
        modelBuilder.Entity<ContactAddress>(e =>
        {
            e.HasIndex(a => new { a.Provider, a.AddressHash }).IsUnique();
            e.HasIndex(a => a.ContactId);
            e.Property(a => a.Provider).HasMaxLength(32);
            e.HasOne<Contact>().WithMany().HasForeignKey(a => a.ContactId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Dossier>(e =>
        {
            e.HasIndex(d => d.Code).IsUnique();
            e.HasIndex(d => new { d.UnitId, d.ReturnedAt });
            e.Property(d => d.Code).HasMaxLength(100);
            e.Property(d => d.OfficialCode).HasMaxLength(64);
            e.HasOne(d => d.Unit).WithMany().HasForeignKey(d => d.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(d => d.Procedure).WithMany().HasForeignKey(d => d.ProcedureId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<OneStopSource>().WithMany().HasForeignKey(d => d.SourceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Invitation>(e =>
        {
            // Room on each page for an invitation's updates (claim, reservation, outcome) to stay on the page (HOT).
            e.HasStorageParameter("fillfactor", 70);
            e.HasIndex(i => i.DossierId).IsUnique();
            e.HasIndex(i => i.Code).IsUnique();
            e.HasIndex(i => new { i.ContactId, i.SendStartedAt });
            e.Property(i => i.Provider).HasMaxLength(32);
            e.HasOne(i => i.Contact).WithMany().HasForeignKey(i => i.ContactId).OnDelete(DeleteBehavior.Restrict);
            // The dispatcher's claim query scans only this partial index.
            e.HasIndex(i => i.DueAt).HasFilter("state = 'Scheduled'").HasDatabaseName("ix_invitations_due_scheduled");
            e.Property(i => i.Code).HasMaxLength(16);
            e.Property(i => i.LastError).HasMaxLength(1000);
            e.HasOne(i => i.Dossier).WithOne().HasForeignKey<Invitation>(i => i.DossierId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(i => i.Questionnaire).WithMany().HasForeignKey(i => i.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<OutboundMessage>(e =>
        {
            e.HasStorageParameter("fillfactor", 70);
            e.HasIndex(m => m.IdempotencyKey).IsUnique();
            e.HasIndex(m => new { m.Channel, m.RecipientHash, m.CreatedAt });
            e.HasIndex(m => new { m.Provider, m.ProviderMessageId });
            e.HasIndex(m => m.ContactId);
            e.Property(m => m.Choices).HasColumnType("jsonb").HasConversion(JsonColumn.Converter<List<MessageChoice>>(), JsonColumn.Comparer<List<MessageChoice>>());
            e.Property(m => m.Data).HasColumnType("jsonb").HasConversion(JsonColumn.Converter<Dictionary<string, string>>(), JsonColumn.Comparer<Dictionary<string, string>>());
            e.Property(m => m.IdempotencyKey).HasMaxLength(200);
            e.Property(m => m.ProviderMessageId).HasMaxLength(200);
            e.Property(m => m.Error).HasMaxLength(1000);
            e.Property(m => m.Provider).HasMaxLength(32);
            // The resend job scans only messages still waiting for an attempt or caught mid-call.
            e.HasIndex(m => m.NextAttemptAt).HasFilter("state IN ('Pending', 'Sending')").HasDatabaseName("ix_outbound_messages_waiting");
            e.HasOne<Invitation>().WithMany().HasForeignKey(m => m.InvitationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<InboundMessage>(e =>
        {
            e.HasIndex(m => new { m.Provider, m.ProviderMessageId }).IsUnique();
            e.HasIndex(m => new { m.Channel, m.SenderHash, m.ReceivedAt });
            e.Property(m => m.Provider).HasMaxLength(32);
            e.Property(m => m.ProviderMessageId).HasMaxLength(200);
            e.Property(m => m.Payload).HasMaxLength(200);
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<InboundEvent>(e =>
        {
            e.HasIndex(x => new { x.Kind, x.Source, x.ExternalId }).IsUnique();
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(200);
            e.Property(x => x.Error).HasMaxLength(1000);
            e.Property(x => x.Attempts).HasDefaultValue(0);
            // The webhook inbox's sweeper scans only events still waiting to be handled.
            e.HasIndex(x => x.ReceivedAt).HasFilter("processed_at IS NULL AND error IS NULL AND kind = 'webhook'").HasDatabaseName("ix_inbound_events_webhooks_waiting");
            e.HasOne<Invitation>().WithMany().HasForeignKey(x => x.InvitationId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Conversation>(e =>
        {
            e.HasIndex(c => c.InvitationId).IsUnique();
            // At most one open conversation per contact and channel: a reply is never attributed to another dossier.
            e.HasIndex(c => new { c.ContactId, c.Channel }, "ix_conversations_one_active").IsUnique().HasFilter("state = 'Active'").HasDatabaseName("ix_conversations_one_active");
            e.Property(c => c.Provider).HasMaxLength(32);
            // A reply after the end finds the contact's latest conversation on the channel.
            e.HasIndex(c => new { c.ContactId, c.Channel }, "ix_conversations_contact_channel").HasDatabaseName("ix_conversations_contact_channel");
            // Conversations are also opened by plain SQL inserts, which leave the count to the database.
            e.Property(c => c.Misses).HasDefaultValue(0).ValueGeneratedNever();
            e.Property(c => c.PendingComment).HasMaxLength(Conversation.MaxCommentLength);
            e.HasOne<Invitation>().WithMany().HasForeignKey(c => c.InvitationId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Response>(e =>
        {
            e.HasIndex(r => r.InvitationId).IsUnique();
            e.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Reasons).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Invitation>().WithMany().HasForeignKey(r => r.InvitationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Questionnaire>().WithMany().HasForeignKey(r => r.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Answer>(e =>
        {
            e.HasIndex(a => new { a.ResponseId, a.ItemCode }).IsUnique();
            e.Property(a => a.ItemCode).HasMaxLength(32);
            e.Property(a => a.Text).HasMaxLength(2000);
        });
        modelBuilder.Entity<ResponseReason>(e =>
        {
            e.HasIndex(r => r.ResponseId);
            e.Property(r => r.Source).HasMaxLength(32);
            e.Property(r => r.Text).HasMaxLength(500);
            e.Property(r => r.Dimension).HasMaxLength(32);
        });
        modelBuilder.Entity<OptOut>(e =>
        {
            // One active opt-out per contact and scope (all channels, or one); opting back in closes it, a later refusal opens a new one.
            e.HasIndex(o => new { o.ContactId, o.OnlyChannel }).IsUnique().AreNullsDistinct(false).HasFilter("opted_in_at IS NULL");
            e.Property(o => o.Reason).HasMaxLength(200);
            e.HasOne<Contact>().WithMany().HasForeignKey(o => o.ContactId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ChannelProviderState>(e =>
        {
            e.HasKey(p => p.Provider);
            e.Property(p => p.Provider).HasMaxLength(32);
            e.Property(p => p.PauseReason).HasMaxLength(1000);
        });
        modelBuilder.Entity<RateLimitSlot>(e =>
        {
            e.HasKey(r => r.Key);
            e.Property(r => r.Key).HasMaxLength(200);
        });
        modelBuilder.Entity<Questionnaire>(e =>
        {
            e.HasIndex(q => new { q.Code, q.Version }).IsUnique();
            e.Property(q => q.Code).HasMaxLength(32);
            e.Property(q => q.MethodVersion).HasMaxLength(32);
            e.HasMany(q => q.Items).WithOne().HasForeignKey(i => i.QuestionnaireId).OnDelete(DeleteBehavior.Cascade);
            e.HasData(QuestionnaireSeed.Questionnaires);
        });
        modelBuilder.Entity<QuestionnaireItem>(e =>
        {
            e.HasIndex(i => new { i.QuestionnaireId, i.Position }).IsUnique();
            e.HasIndex(i => new { i.QuestionnaireId, i.Code }).IsUnique();
            e.Property(i => i.Code).HasMaxLength(32);
            e.Property(i => i.Dimension).HasMaxLength(32);
            e.HasData(QuestionnaireSeed.Items);
        });
    }
}
