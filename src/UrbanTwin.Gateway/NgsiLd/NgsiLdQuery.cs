using Microsoft.Extensions.Primitives;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>The query parameters NGSI-LD operations share, checked as the specification words them (errors are BadRequestData).</summary>
public static class NgsiLdQuery
{
    /// <summary>A parameter the operation does not define is refused, naming the ones it does.</summary>
    public static void RefuseUnknown(IQueryCollection query, params string[] known)
    {
        foreach (var name in query.Keys)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new NgsiLdException(NgsiLdError.BadRequestData($"{name}: not a parameter of this operation (it takes {string.Join(", ", known)})"));
            }
        }
    }

    /// <summary>
    /// <c>options</c>: <c>keyValues</c> (or its 1.8 name <c>simplified</c>) for the simplified representation,
    /// <c>normalized</c> for the normalized one (the default), <c>sysAttrs</c> (accepted; this broker keeps no creation or
    /// modification times to add). Both representations at once, or an unknown option, is BadRequestData.
    /// </summary>
    public static (bool KeyValues, bool SysAttrs) Options(StringValues options)
    {
        bool keyValues = false, normalized = false, sysAttrs = false;
        foreach (var option in Split(options))
        {
            switch (option)
            {
                case "keyValues" or "simplified": keyValues = true; break;
                case "normalized": normalized = true; break;
                case "sysAttrs": sysAttrs = true; break;
                default:
                    throw new NgsiLdException(NgsiLdError.BadRequestData($"options: '{option}' is not keyValues, simplified, normalized or sysAttrs"));
            }
        }
        if (keyValues && normalized)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData("options: keyValues and normalized exclude each other"));
        }
        return (keyValues, sysAttrs);
    }

    /// <summary><c>attrs</c>: attribute names (terms of the request's context) as IRIs; null when not given.</summary>
    public static IReadOnlySet<string>? Attrs(StringValues attrs, LdContext context)
    {
        if (attrs.Count == 0)
        {
            return null;
        }
        var names = Split(attrs).ToList();
        if (names.Count == 0 || names.Any(n => n.Any(c => char.IsWhiteSpace(c) || c is '"' or '<' or '>' or '=' or ';' or '(' or ')')))
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData($"attrs: '{attrs}' is not a comma-separated list of attribute names"));
        }
        return names.Select(context.Expand).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Split(StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)).Where(v => v.Length > 0);
}
