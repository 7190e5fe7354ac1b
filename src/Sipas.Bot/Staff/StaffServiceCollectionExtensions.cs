using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sipas.Bot.Admin;
using Sipas.Bot.Http;
using Sipas.Bot.WebForm;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

public static class StaffServiceCollectionExtensions
{
    public const string SignInRateLimit = "staff-sign-in";

    /// <summary>Staff accounts (Identity on PostgreSQL), the sign-in cookie, the role and scope policies, the audit trail.</summary>
    public static IServiceCollection AddStaff(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StaffOptions>().Bind(configuration.GetSection(StaffOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddStaffAccounts()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>();
        services.AddScoped<IUserConfirmation<StaffUser>, StaffAccountConfirmation>();
        // A disabled account, a changed role or password ends existing sessions within a minute, not 30 (the default).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "sipas-staff";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = StaffPage.SignInPath;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization(StaffPolicies.Add);
        services.AddScoped<IAuthorizationHandler, UnitScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StaffAuthorizationResults>();
        services.AddScoped<StaffScope>();
        services.AddScoped<AuditTrail>();
        services.AddRateLimiter(options => options.AddPolicy<string, SignInRateLimitPolicy>(SignInRateLimit));
        return services;
    }

    /// <summary>
    /// Staff accounts without sign-in (Identity's user store and rules, <see cref="StaffAccounts"/>): the service's
    /// part that the command line's <c>create-admin</c> shares, so both apply the same password rules.
    /// </summary>
    public static IdentityBuilder AddStaffAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<StaffAccounts>();
        return services.AddIdentityCore<StaffUser>(options =>
            {
                // Length over composition rules (NIST SP 800-63B): a long passphrase is allowed, "Abc123!@" is not enough.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 5;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = false;
                options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
                // A disabled account is "not confirmed" (StaffAccountConfirmation): it cannot sign in.
                options.SignIn.RequireConfirmedAccount = true;
            })
            .AddEntityFrameworkStores<SipasDbContext>()
            .AddErrorDescriber<VietnameseIdentityErrors>();
    }

    public static WebApplication UseStaff(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The staff pages under <c>/admin</c>: sign-in, the home page, one's account, and the administration pages.</summary>
    public static RouteGroupBuilder MapStaff(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        admin.MapSignIn();
        admin.MapAccount();
        admin.MapAdminPages();
        return admin;
    }

    /// <summary>Ten sign-in posts a minute per client address: enough for a typo or two, far too few to guess passwords.</summary>
    private sealed class SignInRateLimitPolicy(Microsoft.Extensions.Options.IOptions<StaffOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "60";
            await StaffPage.Render(
                context.HttpContext,
                "Quá nhiều lần đăng nhập",
                new Markup("<p>Có quá nhiều lần đăng nhập từ địa chỉ này. Vui lòng đợi một phút rồi thử lại.</p>"),
                StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.PartitionKey(httpContext.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.Value.SignInPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    private sealed class StaffAccountConfirmation : IUserConfirmation<StaffUser>
    {
        public Task<bool> IsConfirmedAsync(UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(user.DisabledAt is null);
    }
}
