using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Access;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;

namespace UrbanTwin.Gateway.Security;

/// <summary>
/// Who is calling, from the authenticated principal: the key's name, role and scope (node ids; empty means the
/// whole tree). A node is in scope when it is at or below one of the scope's nodes; ancestors are not, so a key
/// scoped to a city cannot read the province's totals (which include other cities). <see cref="IsOpen"/> marks
/// open mode's keyless caller, which no configured key can pass for (whatever its name).
/// </summary>
public sealed record Caller(string Name, ApiRole Role, string[] Scopes, bool IsOpen = false)
{
    public const string ScopeClaim = "urbantwin:scope";
    public const string OpenClaim = "urbantwin:open";

    public bool Unscoped => Scopes.Length == 0;

    public static Caller Of(HttpContext context) => From(context.User);

    /// <summary>Lets an endpoint take the caller as a parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(Of(context));

    /// <summary>
    /// The caller of a principal: the one it was made from when it is ours (asked several times per request: by the
    /// rate limiter, each authorization requirement and the endpoint), else read back from its claims.
    /// </summary>
    public static Caller From(ClaimsPrincipal user)
    {
        if (user is CallerPrincipal ours)
        {
            return ours.Caller;
        }
        var role = Enum.TryParse<ApiRole>(user.FindFirstValue(ClaimTypes.Role), out var parsed) ? parsed : ApiRole.Reader;
        return new Caller(user.Identity?.Name ?? "anonymous", role, [.. user.FindAll(ScopeClaim).Select(c => c.Value)], user.HasClaim(c => c.Type == OpenClaim));
    }

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Name), new(ClaimTypes.Role, Role.ToString()) };
        claims.AddRange(Scopes.Select(s => new Claim(ScopeClaim, s)));
        if (IsOpen)
        {
            claims.Add(new Claim(OpenClaim, "true"));
        }
        return new CallerPrincipal(this, new ClaimsIdentity(claims, scheme));
    }

    /// <summary>A principal that keeps the caller it was made from, so reading it back costs nothing.</summary>
    private sealed class CallerPrincipal(Caller caller, ClaimsIdentity identity) : ClaimsPrincipal(identity)
    {
        public Caller Caller { get; } = caller;
    }

    public bool Sees(NodeDirectory.Tree tree, string nodeId) => Unscoped || Scopes.Any(scope => tree.IsUnder(nodeId, scope));

    /// <summary>The topmost nodes this caller sees: the province(s) when unscoped, else the scope's nodes that exist.</summary>
    public List<NodeDefinition> Roots(NodeDirectory.Tree tree) => Unscoped
        ? [.. tree.Nodes.Where(n => n.ParentId is null)]
        : [.. Scopes.Select(tree.Find).OfType<NodeDefinition>().Where(n => !Scopes.Any(other => other != n.Id && tree.IsUnder(n.Id, other)))];

    /// <summary>The districts this caller sees, in id order.</summary>
    public List<string> Districts(NodeDirectory.Tree tree) =>
        [.. Roots(tree).SelectMany(tree.DistrictsUnder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The districts a search covers: under <paramref name="node"/> when named (404 or 403 as <see cref="TryFind"/>), else all this caller sees.</summary>
    public bool TryDistricts(NodeDirectory.Tree tree, string? node, out List<string> districts, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (node is null)
        {
            districts = Districts(tree);
            return true;
        }
        districts = TryFind(tree, node, out var scope, out problem) ? tree.DistrictsUnder(scope) : [];
        return problem is null;
    }

    /// <summary>What the asset grains check a write against; null when unscoped.</summary>
    public WriteScope? WriteScope(NodeDirectory.Tree tree) => Unscoped ? null : Contracts.Access.WriteScope.Of(Districts(tree), Name);

    /// <summary>The same, reading the tree only for a scoped caller (telemetry: most writers are unscoped, and it is per request).</summary>
    public async ValueTask<WriteScope?> WriteScopeAsync(NodeDirectory directory, CancellationToken cancellationToken) =>
        Unscoped ? null : WriteScope(await directory.GetAsync(cancellationToken));

    /// <summary>
    /// The node the request names, or the problem to answer: 404 when there is no such node, 403 when it is
    /// outside this caller's scope (an unknown node is a 404 for everyone, so a scope hides nothing that is not there anyway).
    /// </summary>
    public bool TryFind(NodeDirectory.Tree tree, string id, [NotNullWhen(true)] out NodeDefinition? node,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        node = tree.Find(id);
        if (node is null)
        {
            problem = Problems.NotFound("node", id);
            return false;
        }
        if (!Sees(tree, id))
        {
            node = null;
            problem = Problems.OutOfScope(this, $"node '{id}'");
            return false;
        }
        problem = null;
        return true;
    }

    public string DescribeScope() => Unscoped ? "everything" : string.Join(", ", Scopes);
}
