using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data.Index;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Results;

public static class IndexEndpoints
{
    public static IEndpointRouteBuilder MapIndex(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/index", GetIndexAsync)
            .RequireAuthorization(StaffPolicies.SignedIn)
            .WithName("GetIndex")
            .WithTags("Results")
            .WithSummary("The SIPAS index of a unit (and its subtree) for a period")
            .WithDescription("Headline index with n and a 95% Wilson interval, each dimension and criterion, the response funnel and the Decision 766 dossier rate.")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    (parameter.Required, parameter.Description) = parameter.Name switch
                    {
                        "unit" => (true, "The unit's code."),
                        "from" => (false, "First day, yyyy-MM-dd, local time (Asia/Ho_Chi_Minh); default: the first day of the month of `to`."),
                        "to" => (false, "Last day, yyyy-MM-dd, inclusive; default: today."),
                        "children" => (false, "true (default) to include the unit's subtree, false for the unit alone."),
                        _ => (parameter.Required, parameter.Description),
                    };
                }

                if (operation.Responses?.TryGetValue("400", out var invalid) == true && invalid is OpenApiResponse badRequest)
                {
                    badRequest.Description = "A parameter is missing or malformed; `errors` names each one.";
                }

                if (operation.Responses?.TryGetValue("404", out var missing) == true && missing is OpenApiResponse notFound)
                {
                    notFound.Description = "No unit has this code.";
                }

                return Task.CompletedTask;
            });
        return app;
    }

    private const int MaxUnitCodeLength = 64;
    private const int MaxParameterLength = 64;

    /// <summary>
    /// Periods lie within these dates: wide enough for any "everything" query (from=2000-01-01&amp;to=2100-12-31), and
    /// far from DateTime's limits, where "start of day in Vietnam, in UTC" and "to + 1 day" overflow.
    /// </summary>
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);
    public static readonly DateOnly LatestDate = new(2999, 12, 31);

    /// <summary>`GET /api/v1/index?unit=&amp;from=&amp;to=&amp;children=`: dates are local (Asia/Ho_Chi_Minh) and inclusive.</summary>
    private static async Task<Results<Ok<IndexAnswer>, ProblemHttpResult>> GetIndexAsync(
        string? unit, string? from, string? to, string? children, HttpContext http, IndexQuery query, SendWindow window, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var unitCode = UnitCode(unit, errors);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), window.Zone).DateTime);
        var toDate = ParseDate(to, "to", today, errors);
        var fromDate = ParseDate(from, "from", new DateOnly(toDate.Year, toDate.Month, 1), errors);
        if (fromDate > toDate && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["Must not be after 'to'."];
        }

        var includeChildren = ParseChildren(children, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, StatusCodes.Status400BadRequest);
        }

        var found = await query.FindUnitAsync(unitCode!, ct);
        if (found is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-unit", "No unit has this code.", unitCode);
        }

        if (!await StaffAccess.AllowsAsync(http, found.Id, StaffPolicies.UnitInScope, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "This unit is outside your scope.", unitCode);
        }

        var counts = await query.CountAsync(found.Id, includeChildren, StartOf(fromDate, window.Zone), StartOf(toDate.AddDays(1), window.Zone), ct);
        return TypedResults.Ok(new IndexAnswer(new UnitView(found.Code, found.Name), fromDate, toDate, includeChildren, IndexReport.From(counts)));
    }

    private static string? UnitCode(string? unit, Dictionary<string, string[]> errors)
    {
        var check = ExternalText.Check(unit ?? "", MaxUnitCodeLength);
        if (!check.IsValid || check.Value is null)
        {
            errors["unit"] = [check.Error ?? "Required: the unit code."];
        }

        return check.Value;
    }

    private static DateOnly ParseDate(string? value, string field, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        var check = ExternalText.Check(value ?? "", MaxParameterLength);
        if (!check.IsValid)
        {
            errors[field] = [check.Error!];
            return fallback;
        }

        if (check.Value is null)
        {
            return fallback;
        }

        if (!DateOnly.TryParseExact(check.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors[field] = ["Must be a date yyyy-MM-dd."];
            return fallback;
        }

        if (date < EarliestDate || date > LatestDate)
        {
            errors[field] = [$"Must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}."];
            return fallback;
        }

        return date;
    }

    private static bool ParseChildren(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return true;
        }

        var check = ExternalText.Check(value, MaxParameterLength);
        if (check.Value is not null && bool.TryParse(check.Value, out var children))
        {
            return children;
        }

        errors["children"] = [check.Error ?? "Must be true or false."];
        return true;
    }

    private static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    public sealed record UnitView(string Code, string Name);

    public sealed record IndexAnswer(UnitView Unit, DateOnly From, DateOnly To, bool Children, IndexReport Index);
}
