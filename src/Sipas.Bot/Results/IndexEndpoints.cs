using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Sipas.Bot.Http;
using Sipas.Data.Index;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Results;

public static class IndexEndpoints
{
    public static IEndpointRouteBuilder MapIndex(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/index", GetIndexAsync)
            .WithName("GetIndex")
            .WithTags("Results")
            .WithSummary("The SIPAS index of a unit (and its subtree) for a period")
            .WithDescription("Headline index with n and a 95% Wilson interval, each dimension and criterion, the response funnel and the Decision 766 dossier rate.")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
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

    /// <summary>`GET /api/v1/index?unit=&amp;from=&amp;to=&amp;children=`: dates are local (Asia/Ho_Chi_Minh) and inclusive.</summary>
    private static async Task<Results<Ok<IndexAnswer>, ProblemHttpResult>> GetIndexAsync(
        string? unit, string? from, string? to, string? children, IndexQuery query, SendWindow window, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(unit))
        {
            errors["unit"] = ["Required: the unit code."];
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), window.Zone).DateTime);
        var toDate = ParseDate(to, "to", today, errors);
        var fromDate = ParseDate(from, "from", new DateOnly(toDate.Year, toDate.Month, 1), errors);
        if (fromDate > toDate)
        {
            errors["from"] = ["Must not be after 'to'."];
        }

        var includeChildren = true;
        if (children is not null && !bool.TryParse(children, out includeChildren))
        {
            errors["children"] = ["Must be true or false."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, StatusCodes.Status400BadRequest);
        }

        var found = await query.FindUnitAsync(unit!.Trim(), ct);
        if (found is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-unit", $"No unit has the code '{unit}'.");
        }

        var counts = await query.CountAsync(found.Id, includeChildren, StartOf(fromDate, window.Zone), StartOf(toDate.AddDays(1), window.Zone), ct);
        return TypedResults.Ok(new IndexAnswer(new UnitView(found.Code, found.Name), fromDate, toDate, includeChildren, IndexReport.From(counts)));
    }

    private static DateOnly ParseDate(string? value, string field, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[field] = ["Must be a date yyyy-MM-dd."];
        return fallback;
    }

    private static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    public sealed record UnitView(string Code, string Name);

    public sealed record IndexAnswer(UnitView Unit, DateOnly From, DateOnly To, bool Children, IndexReport Index);
}
