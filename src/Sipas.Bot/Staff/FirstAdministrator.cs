using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Sipas.Bot.Staff;

/// <summary>
/// At start, with no staff account yet: creates the administrator named in <c>Staff:FirstAdministrator</c>; in
/// Development without one, creates <c>admin</c> with a random password written once to the log, so the quick start
/// can sign in. There is never a default password.
/// </summary>
public static class FirstAdministrator
{
    /// <summary>False when a configured first administrator was refused (the service must not start half-configured).</summary>
    public static async Task<bool> EnsureAsync(WebApplication app, ILogger logger)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var first = scope.ServiceProvider.GetRequiredService<IOptions<StaffOptions>>().Value.FirstAdministrator;
        var configured = !string.IsNullOrWhiteSpace(first.UserName);
        if (!configured && app.Environment.IsDevelopment())
        {
            first = new StaffOptions.FirstAdministratorOptions
            {
                UserName = "admin",
                DisplayName = "Quản trị viên (môi trường phát triển)",
                Password = RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 16),
            };
        }

        var outcome = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().EnsureFirstAdministratorAsync(first, CancellationToken.None);
        switch (outcome)
        {
            case FirstAdministratorOutcome.Created when !configured:
                logger.LogWarning(
                    "Development: created the staff account 'admin' with password {Password} (shown once). Sign in at /admin/sign-in.", first.Password);
                return true;
            case FirstAdministratorOutcome.Created:
                logger.LogWarning("Created the first administrator '{UserName}' from Staff:FirstAdministrator; remove the password from the environment now.", first.UserName);
                return true;
            case FirstAdministratorOutcome.NotConfigured:
                logger.LogWarning(
                    "No staff account exists yet: create the first administrator with `create-admin`, or set Staff__FirstAdministrator__UserName and Staff__FirstAdministrator__Password.");
                return true;
            case FirstAdministratorOutcome.Refused refused:
                logger.LogCritical("The first administrator in Staff:FirstAdministrator was refused: {Reasons}", refused.Reasons);
                return false;
            default:
                return true;
        }
    }
}

public abstract record FirstAdministratorOutcome
{
    public sealed record AccountsExist : FirstAdministratorOutcome;

    public sealed record NotConfigured : FirstAdministratorOutcome;

    public sealed record Created : FirstAdministratorOutcome;

    public sealed record Refused(string Reasons) : FirstAdministratorOutcome;
}
