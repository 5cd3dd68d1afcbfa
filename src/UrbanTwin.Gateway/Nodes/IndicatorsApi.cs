using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Gateway.Nodes;

/// <summary>The body of <c>PUT /nodes/{id}/indicators</c>.</summary>
public sealed record IndicatorImportDocument(IndicatorItemDocument?[]? Indicators);

public sealed record IndicatorItemDocument(string? Name, string? Period, double? Value, string? Source = null);

public sealed record IndicatorImportResponse(string NodeId, int Created, int Updated, int Unchanged);

/// <summary>Every figure a node has, each with its period and origin (reported, or rolled up with its coverage).</summary>
public sealed record IndicatorListView(string NodeId, IndicatorPointView[] Indicators);

public sealed record IndicatorPointView(string Name, string Period, double Value, string Origin, CoverageView? Coverage);

public static partial class IndicatorsApi
{
    public const int MaxItems = 1000;
    private const int MaxBodyBytes = 256 * 1024;
    private const int MaxSourceLength = 200;

    public static RouteGroupBuilder MapIndicatorsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/nodes/{id}/indicators", Import).WithTags("Nodes").Requires(Permission.Administer)
            .WithSummary("Imports a city's or district's figures (12345 hotline counts, urban renewal, …) per period; upsert, idempotent.")
            .Accepts<IndicatorImportDocument>("application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithDescription("With If-Match (the ETag of GET …/indicators or GET /topology: the topology's version), the import is made only if no "
                + "topology or indicator import happened since; 412 with the current ETag otherwise.");
        api.MapGet("/nodes/{id}/indicators", List).WithTags("Nodes")
            .WithSummary("Every indicator of a node, each period, reported or rolled up (with coverage).");
        return api;
    }

    /// <summary>Figures that can be imported: the additive ones. Rates are derived from their counts, never imported.</summary>
    public static IEnumerable<string> Importable => IndicatorRollup.Additive.Order(StringComparer.Ordinal);

    private static async Task<Results<Ok<IndicatorImportResponse>, ValidationProblem, ProblemHttpResult>> Import(
        string id, HttpRequest request, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        if (!ApiVersion.TryReadIfMatch(request, out var expectedVersion, out var badIfMatch))
        {
            return badIfMatch!;
        }
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        if (node.Kind is not (NodeKind.City or NodeKind.District))
        {
            return Problems.Invalid("id", $"indicators are imported per city or district; '{id}' is a {node.Kind.ToString().ToLowerInvariant()} (its figures are rolled up)");
        }
        var read = await RequestBody.ReadJsonAsync<IndicatorImportDocument>(request, MaxBodyBytes, ApiJson.Strict, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var document = read.Value;
        if (document?.Indicators is not { } items || items.Length == 0)
        {
            return Problems.Invalid("indicators", "a non-empty array of {name, period, value, source}");
        }
        if (items.Length > MaxItems)
        {
            return Problems.TooLarge($"{items.Length} indicators in one request; the limit is {MaxItems}");
        }
        var (facts, errors) = Validate(items);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).ImportIndicators(id, facts, expectedVersion);
        if (!result.NodeFound)
        {
            return Problems.NotFound("node", id);
        }
        if (result.VersionChanged)
        {
            return EntityTags.Changed(request.HttpContext, "The topology and its indicators", ApiVersion.ETag(result.Version));
        }
        request.HttpContext.Response.Headers.ETag = ApiVersion.ETag(result.Version);
        directory.Invalidate();
        return TypedResults.Ok(new IndicatorImportResponse(id, result.Created, result.Updated, result.Unchanged));
    }

    private static async Task<Results<Ok<IndicatorListView>, ProblemHttpResult>> List(string id, Caller caller, NodeDirectory directory, IGrainFactory grains,
        HttpContext context, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        // Imports are versioned with the topology: its version is the tag to send as If-Match with the next import.
        context.Response.Headers.ETag = ApiVersion.ETag(tree.Version);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        if (await NodeGrains.Get(grains, node.Kind, id).GetSummary() is not { } summary)
        {
            return Problems.NotFound("node", id);
        }
        return TypedResults.Ok(new IndicatorListView(id, [.. summary.Indicators.Select(p => new IndicatorPointView(p.Name, p.PeriodKey, p.Value,
            p.Reported ? "reported" : "rollup", p.Reported ? null : new CoverageView(p.Reporting, p.Children)))]));
    }

    /// <summary>Each item: a known importable name, a period, a finite value ≥ 0 (whole for counts); counts consistent per period.</summary>
    internal static (IndicatorFact[] Facts, List<FieldError> Errors) Validate(IndicatorItemDocument?[] items)
    {
        var errors = new List<FieldError>();
        var facts = new List<IndicatorFact>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < items.Length; i++)
        {
            var path = $"indicators[{i}]";
            if (items[i] is not { } item)
            {
                errors.Add(new FieldError(path, "an object {name, period, value, source}"));
                continue;
            }
            var before = errors.Count;
            if (item.Name is null || !IndicatorRollup.Additive.Contains(item.Name))
            {
                var derived = IndicatorRollup.Ratios.FirstOrDefault(r => r.Name == item.Name);
                errors.Add(new FieldError($"{path}.name", derived is not null
                    ? $"'{item.Name}' is derived ({derived.Numerator} / {derived.Denominator}); import those counts instead"
                    : "must be one of " + string.Join(", ", Importable)));
            }
            var period = item.Period is null ? null : PeriodPattern().Match(item.Period);
            if (period is not { Success: true } || !int.TryParse(period.Groups["year"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
                || year is < 1949 or > 2100)
            {
                errors.Add(new FieldError($"{path}.period", "a year (2024), a quarter (2024-Q3) or a month (2024-10), year 1949–2100"));
                year = 0;
            }
            if (item.Value is not { } value || !double.IsFinite(value) || value < 0)
            {
                errors.Add(new FieldError($"{path}.value", "a finite number ≥ 0"));
                value = 0;
            }
            else if (IsCount(item.Name) && value != Math.Floor(value))
            {
                errors.Add(new FieldError($"{path}.value", $"{item.Name} is a count: a whole number"));
            }
            if (item.Source is { Length: > MaxSourceLength } || item.Source?.Any(char.IsControl) == true)
            {
                errors.Add(new FieldError($"{path}.source", $"at most {MaxSourceLength} characters, no control characters"));
            }
            if (errors.Count == before && !seen.Add((item.Name!, item.Period!)))
            {
                errors.Add(new FieldError(path, $"{item.Name} for {item.Period} appears twice"));
            }
            if (errors.Count == before)
            {
                facts.Add(new IndicatorFact(item.Name!, year, value, item.Source, item.Period!.Length == 4 ? null : item.Period));
            }
        }
        // A rate's numerator cannot exceed its denominator for the same period (e.g. more tickets resolved than received).
        foreach (var ratio in IndicatorRollup.Ratios)
        {
            foreach (var numerator in facts.Where(f => f.Name == ratio.Numerator))
            {
                if (facts.FirstOrDefault(f => f.Name == ratio.Denominator && f.PeriodKey == numerator.PeriodKey) is { } denominator
                    && numerator.Value > denominator.Value)
                {
                    var index = Array.FindIndex(items, x => x?.Name == numerator.Name && x.Period == numerator.PeriodKey);
                    errors.Add(new FieldError($"indicators[{index}].value",
                        $"{numerator.Name} ({numerator.Value}) exceeds {denominator.Name} ({denominator.Value}) for {numerator.PeriodKey}"));
                }
            }
        }
        return ([.. facts], errors);
    }

    private static bool IsCount(string? name) => name is not null && (name.StartsWith("hotline.", StringComparison.Ordinal)
        || name is "renewal.communitiesRenovated" or "renewal.householdsRenovated" or "renewal.urbanVillageProjects"
            or "resilience.waterloggingPointsEliminated" or "population" or "residentPopulation" or "urbanPopulation");

    [GeneratedRegex(@"^(?<year>[0-9]{4})(-(0[1-9]|1[0-2])|-Q[1-4])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodPattern();
}
