using UrbanTwin.Domain.NgsiLd;

namespace UrbanTwin.Grains.Tests;

/// <summary>The entity type selection language of ETSI GS CIM 009 clause 4.17, asked of entities with the given types.</summary>
public sealed class TypeSelectionTests
{
    [Theory]
    [InlineData("A", "A", true)]
    [InlineData("A", "B", false)]
    [InlineData("A,B", "B", true)]
    [InlineData("A|B", "B", true)]
    [InlineData("A;B", "A", false)]
    [InlineData("A;B", "A B", true)]
    [InlineData("A;B|C", "C", true)] // ; binds tighter: (A;B)|C
    [InlineData("A;(B|C)", "A C", true)]
    [InlineData("A;(B|C)", "C", false)]
    [InlineData("(A|B);(C|D)", "B D", true)]
    [InlineData("(A|B);(C|D)", "A B", false)]
    [InlineData("https://example.org/Pipe|B", "https://example.org/Pipe", true)]
    public void Selects_entities_by_the_types_they_have(string selection, string types, bool expected)
    {
        var has = types.Split(' ').ToHashSet();
        Assert.Equal(expected, TypeSelection.Parse(selection).Selects(has.Contains));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A;")]
    [InlineData("(A|B")]
    [InlineData("A)")]
    [InlineData("A B")]
    [InlineData("A;;B")]
    public void Refuses_what_is_not_a_selection(string selection) =>
        Assert.Throws<QuerySyntaxException>(() => TypeSelection.Parse(selection));

    [Fact]
    public void Refuses_a_selection_that_multiplies_out_beyond_the_bound()
    {
        var wide = string.Join(';', Enumerable.Range(0, 11).Select(i => $"(A{i}|B{i})")); // 2^11 alternatives
        Assert.Throws<QuerySyntaxException>(() => TypeSelection.Parse(wide));
    }
}
