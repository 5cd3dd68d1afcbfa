namespace UrbanTwin.Contracts.Access;

/// <summary>
/// The districts a scoped API key may change. Passed with each write to the asset grain, which checks it against
/// the district the asset is in at that moment: the gateway cannot know that district without a call of its own,
/// and checking where the state lives leaves no window between the check and the change. Null means unscoped.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.WriteScope")]
public sealed record WriteScope([property: Id(0)] string[] Districts, [property: Id(1)] string KeyName)
{
    /// <summary>Builds a scope from district ids in any order (they are kept sorted for the lookup).</summary>
    public static WriteScope Of(IEnumerable<string> districts, string keyName) =>
        new([.. districts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], keyName);

    public bool Allows(string districtId) => Array.BinarySearch(Districts, districtId, StringComparer.Ordinal) >= 0;
}
