using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Assets;

/// <summary>What every asset search filters by (kind, status) and how many it answers, checked once for GET and POST alike.</summary>
public sealed record AssetFilter(string? Kind, AssetStatus? Status, int Limit)
{
    public const int MaxPageSize = 1000;
    public const int DefaultPageSize = 100;

    public static bool TryParse(string? kind, string? status, string? limit, out AssetFilter filter, out ValidationProblem? problem)
    {
        filter = new AssetFilter(null, null, DefaultPageSize);
        problem = null;
        if (kind is not null && AssetCatalog.Find(kind) is null)
        {
            problem = Problems.Invalid("kind", "must be one of " + string.Join(", ", AssetCatalog.Kinds.Select(k => k.Name)));
            return false;
        }
        AssetStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<AssetStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                problem = Problems.Invalid("status", "must be one of normal, warning, alarm, offline");
                return false;
            }
            wanted = parsed;
        }
        var pageSize = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            problem = Problems.Invalid("limit", $"must be an integer from 1 to {MaxPageSize}");
            return false;
        }
        filter = new AssetFilter(kind, wanted, pageSize);
        return true;
    }
}
