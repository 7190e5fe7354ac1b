using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>A new staff account as asked for: the scope is a unit code, checked here.</summary>
public sealed record NewStaffAccount(string UserName, string DisplayName, StaffRole Role, string? ScopeUnitCode, string Password);

/// <summary>Creates staff accounts with the rules of roles and scopes; used by the first start, the command line and the staff page.</summary>
public sealed class StaffAccounts(UserManager<StaffUser> users, SipasDbContext db, TimeProvider time)
{
    /// <summary>The account, or the reasons it was refused (Vietnamese, per field: userName, displayName, unit, password).</summary>
    public async Task<(StaffUser? User, IReadOnlyDictionary<string, string> Errors)> CreateAsync(NewStaffAccount account, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(account.DisplayName) || account.DisplayName.Trim().Length > 200)
        {
            errors["displayName"] = "Họ và tên là bắt buộc, tối đa 200 ký tự.";
        }

        Guid? scope = null;
        if (account.Role == StaffRole.Supervisor && !string.IsNullOrWhiteSpace(account.ScopeUnitCode))
        {
            errors["unit"] = "Giám sát viên xem được mọi đơn vị: không chọn đơn vị.";
        }
        else if (!string.IsNullOrWhiteSpace(account.ScopeUnitCode))
        {
            scope = await db.Units.Where(u => u.Code == account.ScopeUnitCode.Trim()).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
            if (scope is null)
            {
                errors["unit"] = $"Không có đơn vị mã “{account.ScopeUnitCode.Trim()}”.";
            }
        }
        else if (account.Role == StaffRole.UnitViewer)
        {
            errors["unit"] = "Cán bộ theo dõi đơn vị phải gắn với một đơn vị.";
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(),
            UserName = account.UserName.Trim(),
            DisplayName = account.DisplayName.Trim(),
            Role = account.Role,
            ScopeUnitId = scope,
            CreatedAt = time.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, account.Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var field = error.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "userName";
                errors[field] = errors.TryGetValue(field, out var earlier) ? earlier + " " + error.Description : error.Description;
            }

            return (null, errors);
        }

        return (user, errors);
    }

    /// <summary>Creates the first administrator when no staff account exists yet.</summary>
    public async Task<FirstAdministratorOutcome> EnsureFirstAdministratorAsync(StaffOptions.FirstAdministratorOptions first, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(ct))
        {
            return new FirstAdministratorOutcome.AccountsExist();
        }

        if (string.IsNullOrWhiteSpace(first.UserName) || string.IsNullOrEmpty(first.Password))
        {
            return new FirstAdministratorOutcome.NotConfigured();
        }

        var account = new NewStaffAccount(first.UserName, first.DisplayName ?? first.UserName, StaffRole.Administrator, first.Unit, first.Password);
        try
        {
            var (user, errors) = await CreateAsync(account, ct);
            if (user is not null)
            {
                return new FirstAdministratorOutcome.Created();
            }

            // Another instance starting at the same moment may have created it first.
            return await db.Users.AnyAsync(ct) ? new FirstAdministratorOutcome.AccountsExist() : new FirstAdministratorOutcome.Refused(string.Join(" ", errors.Values));
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(ct))
            {
                return new FirstAdministratorOutcome.AccountsExist();
            }

            throw;
        }
    }
}

/// <summary>Identity's messages in Vietnamese, for the ones staff can meet.</summary>
public sealed class VietnameseIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => new() { Code = nameof(PasswordTooShort), Description = $"Mật khẩu phải có ít nhất {length} ký tự." };

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        new() { Code = nameof(PasswordRequiresUniqueChars), Description = $"Mật khẩu phải có ít nhất {uniqueChars} ký tự khác nhau." };

    public override IdentityError PasswordMismatch() => new() { Code = nameof(PasswordMismatch), Description = "Mật khẩu hiện tại không đúng." };

    public override IdentityError DuplicateUserName(string userName) => new() { Code = nameof(DuplicateUserName), Description = $"Tên đăng nhập “{userName}” đã có người dùng." };

    public override IdentityError InvalidUserName(string? userName) =>
        new() { Code = nameof(InvalidUserName), Description = "Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các ký tự - . _ @" };

    public override IdentityError InvalidToken() => new() { Code = nameof(InvalidToken), Description = "Mã xác thực không đúng hoặc đã hết hạn." };

    public override IdentityError DefaultError() => new() { Code = nameof(DefaultError), Description = "Không thực hiện được, vui lòng thử lại." };
}
