using Sipas.Bot.Http;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Sipas.Bot.Channels;
using Sipas.Bot.Conversations;
using Sipas.Bot.Staff;
using Sipas.Bot.Surveys;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.WebForm;

/// <summary>
/// The short-link web form (<c>/s/{code}</c>): the form, its submission, the thank-you page and the opt-out, all
/// rate-limited per client address so that codes cannot be guessed by trying them.
/// </summary>
public static class WebFormEndpoints
{
    public const string RateLimitPolicy = "web-form";

    /// <summary>The anti-forgery token's form field: every citizen form carries it.</summary>
    public const string AntiforgeryField = "af";

    public static IServiceCollection AddWebForm(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebFormOptions>().Bind(configuration.GetSection(WebFormOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SurveyPages>();
        services.AddScoped<SurveyInvitations>();
        services.AddScoped<SubmitSurvey>();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "sipas-af";
            // The whole site: the Hangfire dashboard uses the same anti-forgery tokens for its buttons.
            options.Cookie.Path = "/";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = AntiforgeryField;
        });
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(RateLimitPolicy, http =>
            {
                var permits = http.RequestServices.GetRequiredService<IOptions<WebFormOptions>>().Value.RateLimit.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    ClientAddress.PartitionKey(http.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await SurveyPages.TooManyRequests(retryAfter).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    public static WebApplication MapWebForm(this WebApplication app)
    {
        // The limiter runs after routing (which WebApplication puts first), so only the endpoints that ask for it are limited.
        app.UseRateLimiter();
        var form = app.MapGroup("/s/{code}").RequireRateLimiting(RateLimitPolicy).ExcludeFromDescription().Public("the citizen's survey link: the unguessable code, rate-limited");
        form.MapGet("", ShowFormAsync);
        form.MapPost("", SubmitAsync);
        form.MapGet("/" + SurveyPages.ThanksPath, ShowThanksAsync);
        form.MapGet("/" + SurveyPages.OptOutPath, ConfirmOptOutAsync);
        form.MapPost("/" + SurveyPages.OptOutPath, OptOutAsync);
        return app;
    }

    private static async Task<PageResult> ShowFormAsync(
        string code, HttpContext http, SurveyInvitations invitations, QuestionnaireItems questionnaires, SipasDbContext db,
        IAntiforgery antiforgery, SurveyPages pages, TimeProvider time, CancellationToken ct)
    {
        if (await invitations.FindAsync(code, ct) is not { } invitation)
        {
            return pages.Unknown();
        }

        switch (invitation.StatusAt(time.GetUtcNow()))
        {
            case SurveyStatus.Answered:
                return pages.AlreadyRecorded(invitation);
            case SurveyStatus.Closed:
                return pages.Closed(invitation);
        }

        await invitations.MarkStartedAsync(invitation, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var answered = await invitations.AnsweredSoFarAsync(invitation, ct);
        return pages.Form(invitation, items, antiforgery.GetAndStoreTokens(http), answered, []);
    }

    private static async Task<Results<PageResult, SeeOtherResult>> SubmitAsync(
        string code, HttpContext http, SurveyInvitations invitations, QuestionnaireItems questionnaires, SipasDbContext db,
        SubmitSurvey submit, IAntiforgery antiforgery, SurveyPages pages, TimeProvider time, CancellationToken ct)
    {
        var posted = await ReadPostAsync(code, http, invitations, antiforgery, pages, ct);
        if (posted.Refusal is { } refusal)
        {
            return refusal;
        }

        var (fields, invitation) = (posted.Fields!, posted.Invitation!);

        if (invitation.StatusAt(time.GetUtcNow()) == SurveyStatus.Answered)
        {
            return pages.AlreadyRecorded(invitation);
        }

        if (invitation.WasNeverSent)
        {
            return pages.Closed(invitation);
        }

        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var answers = FormValues.Read(items, fields, AntiforgeryField);
        if (!answers.IsValid)
        {
            return pages.Form(invitation, items, antiforgery.GetAndStoreTokens(http), answers.Values, answers.Errors);
        }

        return await submit.SubmitAsync(invitation.Id, invitation.QuestionnaireId, answers.Answers, ct) switch
        {
            RecordOutcome.AlreadyCompleted => pages.AlreadyRecorded(invitation),
            RecordOutcome.RecordedLate => pages.RecordedLate(invitation),
            _ => new SeeOtherResult($"/s/{invitation.Code}/{SurveyPages.ThanksPath}"),
        };
    }

    private static async Task<Results<PageResult, SeeOtherResult>> ShowThanksAsync(string code, SurveyInvitations invitations, SurveyPages pages, TimeProvider time, CancellationToken ct)
    {
        if (await invitations.FindAsync(code, ct) is not { } invitation)
        {
            return pages.Unknown();
        }

        return invitation.StatusAt(time.GetUtcNow()) == SurveyStatus.Answered
            ? pages.Thanks(invitation)
            : new SeeOtherResult($"/s/{invitation.Code}");
    }

    private static async Task<PageResult> ConfirmOptOutAsync(string code, HttpContext http, SurveyInvitations invitations, IAntiforgery antiforgery, SurveyPages pages, CancellationToken ct) =>
        await invitations.FindAsync(code, ct) is { } invitation
            ? pages.ConfirmOptOut(invitation, antiforgery.GetAndStoreTokens(http))
            : pages.Unknown();

    /// <summary>Open to every known code, answered or expired: refusing further surveys is the citizen's right at any time.</summary>
    private static async Task<PageResult> OptOutAsync(
        string code, HttpContext http, SurveyInvitations invitations, [FromServices] ContactDirectory contacts, IAntiforgery antiforgery, SurveyPages pages, CancellationToken ct)
    {
        var posted = await ReadPostAsync(code, http, invitations, antiforgery, pages, ct);
        if (posted.Refusal is { } refusal)
        {
            return refusal;
        }

        var invitation = posted.Invitation!;

        await contacts.OptOutAsync(invitation.ContactId, ChannelKind.Web, onlyChannel: null, reason: "web-form", ct);
        return pages.OptedOut(invitation);
    }

    /// <summary>A citizen's post, read and checked in the order every post is: a readable form body, this browser's anti-forgery token, a known code.</summary>
    private static async Task<PostedForm> ReadPostAsync(
        string code, HttpContext http, SurveyInvitations invitations, IAntiforgery antiforgery, SurveyPages pages, CancellationToken ct)
    {
        var read = await FormBody.ReadAsync(http, ct);
        if (read.Fields is null)
        {
            return new PostedForm(null, null, pages.BadPost(read.Status, read.Problem!, code));
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return new PostedForm(null, null, pages.Forged(code));
        }

        return await invitations.FindAsync(code, ct) is { } invitation
            ? new PostedForm(read.Fields, invitation, null)
            : new PostedForm(null, null, pages.Unknown());
    }

    /// <summary>The post's fields and its invitation, or the page refusing it.</summary>
    private sealed record PostedForm(IReadOnlyDictionary<string, StringValues>? Fields, SurveyInvitation? Invitation, PageResult? Refusal);
}
