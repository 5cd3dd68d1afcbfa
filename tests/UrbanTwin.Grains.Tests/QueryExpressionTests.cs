using UrbanTwin.Domain.NgsiLd;

namespace UrbanTwin.Grains.Tests;

/// <summary>The NGSI-LD query language (ETSI GS CIM 009 clause 4.9), term by term, against one entity's values.</summary>
public sealed class QueryExpressionTests
{
    private static readonly Dictionary<string, object?> Entity = new(StringComparer.Ordinal)
    {
        ["gasLel"] = 30.0,
        ["pressure"] = 0.4,
        ["status"] = "warning",
        ["name"] = "Xiaodian valve well 7",
        ["isOpen"] = true,
        ["containedIn"] = "urn:ngsi-ld:AdministrativeArea:taiyuan-xiaodian",
        ["tags"] = new object[] { "gas", "old-pipe" },
        ["gasLel.observedAt"] = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero),
        ["gasLel.alarmLevel"] = "warning",
        ["address[city]"] = "Taiyuan",
    };

    private static bool Matches(string q) => QueryExpression.Parse(q).Matches(path => Entity.GetValueOrDefault(path.ToString()));

    [Theory]
    [InlineData("gasLel", true)] // an attribute alone: it exists
    [InlineData("flow", false)]
    [InlineData("!flow", true)]
    [InlineData("!gasLel", false)]
    [InlineData("gasLel==30", true)]
    [InlineData("gasLel==30.0", true)]
    [InlineData("gasLel!=30", false)]
    [InlineData("gasLel>20", true)]
    [InlineData("gasLel>30", false)]
    [InlineData("gasLel>=30", true)]
    [InlineData("gasLel<30", false)]
    [InlineData("gasLel<=30", true)]
    [InlineData("gasLel==20..40", true)] // a range, ends included
    [InlineData("gasLel==30..40", true)]
    [InlineData("gasLel==31..40", false)]
    [InlineData("gasLel!=31..40", true)]
    [InlineData("gasLel==10,20,30", true)] // a value list
    [InlineData("gasLel!=10,20,30", false)]
    [InlineData("status==\"warning\"", true)]
    [InlineData("status==\"alarm\",\"warning\"", true)]
    [InlineData("status!=\"alarm\"", true)]
    [InlineData("status==30", false)] // another type: unequal, never an error
    [InlineData("gasLel==\"30\"", false)]
    [InlineData("status>\"alarm\"", true)] // strings order as text
    [InlineData("isOpen==true", true)]
    [InlineData("isOpen==false", false)]
    [InlineData("name~=valve well \\d+$", true)] // a pattern
    [InlineData("name~=(?i)^xiaodian", true)]
    [InlineData("name!~=pump", true)]
    [InlineData("containedIn==urn:ngsi-ld:AdministrativeArea:taiyuan-xiaodian", true)] // a URI, unquoted
    [InlineData("tags==\"old-pipe\"", true)] // an array matches when one of its elements does
    [InlineData("tags!=\"old-pipe\"", false)]
    [InlineData("gasLel.observedAt>2026-12-03T09:00:00Z", true)] // a sub-attribute path, a date-time
    [InlineData("gasLel.observedAt<2026-12-03", false)] // a date
    [InlineData("gasLel.alarmLevel==\"warning\"", true)]
    [InlineData("address[city]==\"Taiyuan\"", true)] // a member of a structured value
    [InlineData("gasLel>20;status==\"warning\"", true)] // ; is and
    [InlineData("gasLel>40;status==\"warning\"", false)]
    [InlineData("gasLel>40|status==\"warning\"", true)] // | is or
    [InlineData("gasLel>40|pressure>1", false)]
    [InlineData("gasLel>40;pressure>1|status==\"warning\"", true)] // ; binds tighter than |
    [InlineData("gasLel>40;(pressure>1|status==\"warning\")", false)]
    [InlineData("(gasLel>40|pressure<1);status==\"warning\"", true)]
    [InlineData("flow>1", false)] // a term on a missing attribute does not hold
    [InlineData("flow!=1", false)]
    public void A_term_holds_as_the_specification_says(string q, bool expected)
    {
        Assert.Equal(expected, Matches(q));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gasLel>")]
    [InlineData("gasLel=30")]
    [InlineData("gasLel>>30")]
    [InlineData("status==warning")] // a string is quoted
    [InlineData("status==\"warning")]
    [InlineData("(gasLel>1")]
    [InlineData("gasLel>1)")]
    [InlineData("gasLel>1;")]
    [InlineData("gasLel==1..\"a\"")]
    [InlineData("isOpen>true")]
    [InlineData("name~=(")]
    [InlineData("a[b")]
    public void What_is_not_the_query_language_is_refused_saying_where(string q)
    {
        var refused = Assert.Throws<QuerySyntaxException>(() => QueryExpression.Parse(q));
        Assert.False(string.IsNullOrEmpty(refused.Message));
    }

    [Fact]
    public void Deep_nesting_and_long_queries_are_refused()
    {
        Assert.Throws<QuerySyntaxException>(() => QueryExpression.Parse(new string('(', 40) + "a" + new string(')', 40)));
        Assert.Throws<QuerySyntaxException>(() => QueryExpression.Parse(string.Join(';', Enumerable.Repeat("gasLel>1", 600))));
        Assert.True(QueryExpression.Parse(new string('(', 10) + "gasLel" + new string(')', 10)).Matches(p => 1.0));
    }

    [Fact]
    public void Paths_can_be_mapped_to_another_context_s_names()
    {
        var query = QueryExpression.Parse("LEL>20;(ex:status==\"warning\"|LEL.observedAt>2026-01-01)");
        Assert.Equal(["LEL", "ex:status", "LEL.observedAt"], query.Paths.Select(p => p.ToString()));
        var mapped = query.MapPaths(p => p with { Names = [.. p.Names.Select(n => n switch { "LEL" => "gasLel", "ex:status" => "status", _ => n })] });
        Assert.True(mapped.Matches(path => Entity.GetValueOrDefault(path.ToString())));
        Assert.False(query.Matches(path => Entity.GetValueOrDefault(path.ToString())));
    }
}
