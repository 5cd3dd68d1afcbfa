namespace UrbanTwin.Domain.NgsiLd;

/// <summary>
/// The entity type selection language (ETSI GS CIM 009 clause 4.17): type names (terms or IRIs) joined by <c>;</c>
/// (the entity has both) and by <c>|</c> or <c>,</c> (either), <c>;</c> binding tighter, grouped in parentheses.
/// Parsed once, then asked which of an entity's types it selects (<see cref="Selects"/>).
/// </summary>
public sealed class TypeSelection
{
    public const int MaxLength = 4096;

    // Disjunctive normal form: any of the groups, each a set of types the entity must all have.
    private readonly string[][] _groups;

    private TypeSelection(string[][] groups) => _groups = groups;

    /// <summary>Every type name the selection mentions, as written.</summary>
    public IEnumerable<string> Names => _groups.SelectMany(g => g).Distinct(StringComparer.Ordinal);

    /// <summary>True when an entity with the types that <paramref name="has"/> accepts is selected.</summary>
    public bool Selects(Func<string, bool> has) => _groups.Any(group => group.All(has));

    /// <summary>
    /// The types (as <paramref name="expand"/> makes them, e.g. IRIs) an entity with exactly one type may have to be
    /// selected: those of the groups whose names all come to one type.
    /// </summary>
    public IReadOnlySet<string> SingleTypes(Func<string, string> expand) =>
        _groups.Select(g => g.Select(expand).Distinct(StringComparer.Ordinal).ToList()).Where(g => g.Count == 1).Select(g => g[0]).ToHashSet(StringComparer.Ordinal);

    /// <exception cref="QuerySyntaxException">The text is not a type selection; the message says where.</exception>
    public static TypeSelection Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new QuerySyntaxException($"longer than {MaxLength} characters");
        }
        var at = 0;
        var groups = ParseOr(text, ref at, depth: 0);
        if (at < text.Length)
        {
            throw Error(text, at, "',', '|', ';' or the end");
        }
        return new TypeSelection(groups);
    }

    private static string[][] ParseOr(string text, ref int at, int depth)
    {
        var groups = new List<string[]>(ParseAnd(text, ref at, depth));
        while (at < text.Length && text[at] is '|' or ',')
        {
            at++;
            groups.AddRange(ParseAnd(text, ref at, depth));
        }
        return [.. groups];
    }

    /// <summary>A conjunction, distributed over the disjunctions in it: (a|b);c is a;c | b;c.</summary>
    private static string[][] ParseAnd(string text, ref int at, int depth)
    {
        var result = ParseTerm(text, ref at, depth);
        while (at < text.Length && text[at] == ';')
        {
            at++;
            var right = ParseTerm(text, ref at, depth);
            result = [.. result.SelectMany(l => right.Select(r => (string[])[.. l, .. r]))];
            if (result.Length > 1024)
            {
                throw new QuerySyntaxException("too many alternatives once the parentheses are multiplied out (more than 1,024)");
            }
        }
        return result;
    }

    private static string[][] ParseTerm(string text, ref int at, int depth)
    {
        if (at < text.Length && text[at] == '(')
        {
            if (depth >= QueryExpression.MaxDepth)
            {
                throw new QuerySyntaxException($"parentheses nested deeper than {QueryExpression.MaxDepth}");
            }
            at++;
            var inner = ParseOr(text, ref at, depth + 1);
            if (at >= text.Length || text[at] != ')')
            {
                throw Error(text, at, "')'");
            }
            at++;
            return inner;
        }
        var start = at;
        while (at < text.Length && text[at] is not (';' or '|' or ',' or '(' or ')') && !char.IsWhiteSpace(text[at]))
        {
            at++;
        }
        if (at == start)
        {
            throw Error(text, at, "a type name or '('");
        }
        return [[text[start..at]]];
    }

    private static QuerySyntaxException Error(string text, int at, string expected) =>
        new(at >= text.Length ? $"expected {expected} at the end" : $"expected {expected} at position {at + 1} ('{text[at..Math.Min(text.Length, at + 12)]}')");
}
