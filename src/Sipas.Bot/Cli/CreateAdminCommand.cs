using System.CommandLine;
using Sipas.Bot.Staff;
using Sipas.Data.Model;

namespace Sipas.Bot.Cli;

/// <summary>
/// `create-admin &lt;user-name&gt; [--name] [--unit] [--password-stdin]`: an Administrator account, with the password
/// from <c>SIPAS_ADMIN_PASSWORD</c> or standard input (never an argument: it would stay in the shell history and
/// in the process list). Other staff are created by an Administrator on the staff page.
/// </summary>
public static class CreateAdminCommand
{
    public const string PasswordVariable = "SIPAS_ADMIN_PASSWORD";

    public static Command Create(CliHost host, TextReader? input = null)
    {
        var userName = new Argument<string>("user-name") { Description = "The sign-in name (letters without diacritics, digits, - . _ @)." };
        var displayName = new Option<string?>("--name") { Description = "Full name shown on pages and in the audit trail (default: the user name)." };
        var unit = new Option<string?>("--unit") { Description = "Scope the administrator to this unit code and its subtree (default: every unit)." };
        var fromStdin = new Option<bool>("--password-stdin") { Description = $"Read the password from standard input instead of {PasswordVariable}." };
        var command = new Command("create-admin", "Create an Administrator account (the first one, or a spare).") { userName, displayName, unit, fromStdin };
        command.SetAction(host, async (parsed, ct) =>
        {
            var password = parsed.GetValue(fromStdin) ? (await (input ?? Console.In).ReadLineAsync(ct))?.TrimEnd('\r', '\n') : host.Configuration[PasswordVariable];
            if (string.IsNullOrEmpty(password))
            {
                return host.Fail($"No password: set {PasswordVariable} or pass --password-stdin and type it.");
            }

            await using var database = await CliDatabase.OpenAsync(host, needsPersonalData: false, ct);
            if (!await database.EnsureSchemaAsync(host, ct))
            {
                return 1;
            }

            await using var scope = database.CreateScope();
            var name = parsed.GetValue(userName)!.Trim();
            var (user, errors) = await scope.ServiceProvider.GetRequiredService<StaffAccounts>()
                .CreateAsync(new NewStaffAccount(name, parsed.GetValue(displayName) ?? name, StaffRole.Administrator, parsed.GetValue(unit), password), ct);
            if (user is null)
            {
                return host.Fail(string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value}")));
            }

            var scopeText = parsed.GetValue(unit) is { Length: > 0 } code ? $"unit {code} and its subtree" : "every unit";
            await host.Output.WriteLineAsync($"Created Administrator '{user.UserName}' ({scopeText}) in the {database.Description}. Sign in at /admin/sign-in.");
            return 0;
        });
        return command;
    }
}
