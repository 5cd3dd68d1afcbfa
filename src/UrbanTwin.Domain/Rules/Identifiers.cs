using System.Text.RegularExpressions;

namespace UrbanTwin.Domain.Rules;

/// <summary>
/// Node and asset ids: lowercase ASCII letters, digits, '.', '_' and '-', starting with a letter or digit. The
/// narrow alphabet keeps ids safe in URLs, Redis keys and logs, and rules out look-alikes and path tricks.
/// </summary>
public static partial class Identifiers
{
    public const int MaxNodeIdLength = 64;
    public const int MaxAssetIdLength = 128;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValidNodeId(string? id) => IsValid(id, MaxNodeIdLength);

    public static bool IsValidAssetId(string? id) => IsValid(id, MaxAssetIdLength);

    private static bool IsValid(string? id, int maxLength) =>
        !string.IsNullOrEmpty(id) && id.Length <= maxLength && !id.Contains("..", StringComparison.Ordinal) && Pattern().IsMatch(id);

    public static string Describe(int maxLength) =>
        $"1–{maxLength} characters of [a-z0-9._-], starting with a letter or digit, without '..'";
}
