using System.Text.Json;

namespace UrbanTwin.Gateway.NgsiLd.JsonLd;

/// <summary>A context that cannot be used as given (a number, a term defined as an object without a string <c>@id</c>…): BadRequestData.</summary>
public sealed class InvalidContextException(string message) : Exception(message);

/// <summary>What one term of a context stands for: an IRI (null when the context unmaps it) or a keyword it aliases (<c>id</c> → <c>@id</c>).</summary>
public sealed record TermDefinition(string? Iri, string? Type = null, string? Container = null);

/// <summary>
/// An active JSON-LD context, reduced to what NGSI-LD needs of JSON-LD 1.1: term definitions (plain or expanded, with
/// <c>@id</c>, <c>@type</c>, <c>@container</c>), compact IRIs (<c>prefix:suffix</c>), <c>@vocab</c>, and a
/// <c>null</c> context that clears what came before. Entity types and attribute names are expanded to IRIs on the way in
/// (<see cref="Expand"/>) and compacted back on the way out (<see cref="Compact"/>), the way the JSON-LD algorithms do
/// for vocabulary-relative terms. No JSON-LD library is served by this project's package registry, hence this subset
/// (docs/architecture.md, NGSI-LD); remote contexts are fetched by <see cref="ContextResolver"/>.
/// </summary>
public sealed class LdContext
{
    public static readonly LdContext Empty = new(new Dictionary<string, TermDefinition>(StringComparer.Ordinal), vocab: null);

    private readonly Dictionary<string, TermDefinition> _terms;
    private Dictionary<string, string>? _inverse; // IRI → shortest term, built on the first compaction

    private LdContext(Dictionary<string, TermDefinition> terms, string? vocab)
    {
        _terms = terms;
        Vocab = vocab;
    }

    public string? Vocab { get; }

    public IReadOnlyDictionary<string, TermDefinition> Terms => _terms;

    /// <summary>This context with a local context object applied over it (its terms replace same-named ones).</summary>
    public LdContext With(JsonElement local)
    {
        if (local.ValueKind == JsonValueKind.Null)
        {
            return Empty;
        }
        if (local.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidContextException($"a local context is an object, a URL, an array of them or null, not {local.ValueKind.ToString().ToLowerInvariant()}");
        }
        var vocab = Vocab;
        if (local.TryGetProperty("@vocab", out var vocabValue))
        {
            vocab = vocabValue.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => ExpandWith(vocabValue.GetString()!, local, this, vocab: null, []),
                _ => throw new InvalidContextException("@vocab is a string or null"),
            };
        }
        var terms = new Dictionary<string, TermDefinition>(_terms, StringComparer.Ordinal);
        foreach (var member in local.EnumerateObject())
        {
            if (member.Name.StartsWith('@'))
            {
                continue; // @version, @protected, @base, @language, @vocab: nothing NGSI-LD terms depend on but @vocab, read above
            }
            terms[member.Name] = Define(member.Name, member.Value, local, vocab);
        }
        return new LdContext(terms, vocab);
    }

    /// <summary>The IRI a vocabulary term (an entity type, an attribute name) stands for.</summary>
    public string Expand(string term)
    {
        if (_terms.TryGetValue(term, out var defined))
        {
            return defined.Iri ?? term;
        }
        return ExpandUndefined(term, _terms, Vocab);
    }

    /// <summary>The shortest way this context writes an IRI: a term, a name relative to <c>@vocab</c>, a compact IRI, or the IRI itself.</summary>
    public string Compact(string iri)
    {
        _inverse ??= Inverse(_terms);
        if (_inverse.TryGetValue(iri, out var term))
        {
            return term;
        }
        if (Vocab is { Length: > 0 } vocab && iri.Length > vocab.Length && iri.StartsWith(vocab, StringComparison.Ordinal))
        {
            var suffix = iri[vocab.Length..];
            if (!suffix.Contains(':') && !_terms.ContainsKey(suffix))
            {
                return suffix;
            }
        }
        string? best = null;
        foreach (var (prefix, definition) in _terms)
        {
            if (definition.Iri is { Length: > 0 } prefixIri && definition.Container is null && prefixIri[^1] is '/' or '#' or ':'
                && iri.Length > prefixIri.Length && iri.StartsWith(prefixIri, StringComparison.Ordinal))
            {
                var candidate = prefix + ":" + iri[prefixIri.Length..];
                if (best is null || candidate.Length < best.Length || (candidate.Length == best.Length && string.CompareOrdinal(candidate, best) < 0))
                {
                    best = candidate;
                }
            }
        }
        return best ?? iri;
    }

    private TermDefinition Define(string term, JsonElement value, JsonElement local, string? vocab)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return new TermDefinition(null);
            case JsonValueKind.String:
            {
                var text = value.GetString()!;
                return new TermDefinition(text.StartsWith('@') ? text : ExpandWith(text, local, this, vocab, [term]));
            }
            case JsonValueKind.Object:
            {
                string? iri;
                if (value.TryGetProperty("@id", out var id))
                {
                    iri = id.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String when id.GetString()!.StartsWith('@') => id.GetString(),
                        JsonValueKind.String => ExpandWith(id.GetString()!, local, this, vocab, [term]),
                        _ => throw new InvalidContextException($"the @id of term '{term}' is a string or null"),
                    };
                }
                else
                {
                    iri = term.Contains(':') || vocab is not null ? ExpandWith(term, local, this, vocab, [term]) : null;
                }
                var type = value.TryGetProperty("@type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var container = value.TryGetProperty("@container", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return new TermDefinition(iri, type, container);
            }
            default:
                throw new InvalidContextException($"term '{term}' is defined by a string, an object or null");
        }
    }

    /// <summary>
    /// Expands an IRI written in a local context: a term or prefix may be defined in the same local context (in any
    /// order) or in the context it applies over. <paramref name="resolving"/> breaks definitions that refer to each other.
    /// </summary>
    private static string ExpandWith(string value, JsonElement local, LdContext active, string? vocab, HashSet<string> resolving)
    {
        var colon = value.IndexOf(':');
        if (colon > 0)
        {
            var (prefix, suffix) = (value[..colon], value[(colon + 1)..]);
            if (suffix.StartsWith("//", StringComparison.Ordinal) || prefix == "_")
            {
                return value; // an absolute IRI or a blank node
            }
            var prefixIri = LocalIri(prefix, local, active, vocab, resolving);
            return prefixIri is null ? value : prefixIri + suffix;
        }
        return LocalIri(value, local, active, vocab, resolving) ?? (vocab is null ? value : vocab + value);
    }

    private static string? LocalIri(string term, JsonElement local, LdContext active, string? vocab, HashSet<string> resolving)
    {
        if (local.TryGetProperty(term, out var definition) && resolving.Add(term))
        {
            var raw = definition.ValueKind switch
            {
                JsonValueKind.String => definition.GetString(),
                JsonValueKind.Object when definition.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
                _ => null,
            };
            return raw is null || raw.StartsWith('@') ? null : ExpandWith(raw, local, active, vocab, resolving);
        }
        return active._terms.TryGetValue(term, out var held) && held.Iri is { } iri && !iri.StartsWith('@') ? iri : null;
    }

    private static string ExpandUndefined(string term, Dictionary<string, TermDefinition> terms, string? vocab)
    {
        var colon = term.IndexOf(':');
        if (colon > 0)
        {
            var (prefix, suffix) = (term[..colon], term[(colon + 1)..]);
            if (!suffix.StartsWith("//", StringComparison.Ordinal) && terms.TryGetValue(prefix, out var p) && p.Iri is { } prefixIri && !prefixIri.StartsWith('@'))
            {
                return prefixIri + suffix;
            }
            return term; // an absolute IRI (urn:…, https://…)
        }
        return vocab is null ? term : vocab + term;
    }

    private static Dictionary<string, string> Inverse(Dictionary<string, TermDefinition> terms)
    {
        var inverse = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (term, definition) in terms)
        {
            if (definition.Iri is not { } iri || iri.StartsWith('@') || term.Contains(':'))
            {
                continue;
            }
            if (!inverse.TryGetValue(iri, out var held) || term.Length < held.Length || (term.Length == held.Length && string.CompareOrdinal(term, held) < 0))
            {
                inverse[iri] = term;
            }
        }
        return inverse;
    }
}
