using System.Text.Json;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>The JSON-LD subset of NGSI-LD: terms expanded on the way in, compacted on the way out (JSON-LD 1.1 §4.1, §6.2; CIM 009 §5.5.7).</summary>
public sealed class LdContextTests
{
    private const string DefaultVocab = "https://uri.etsi.org/ngsi-ld/default-context/";

    private static LdContext With(string local) => LdContext.Empty.With(JsonDocument.Parse(local).RootElement);

    [Fact]
    public void The_core_context_expands_its_own_terms_and_anything_else_into_the_default_vocabulary()
    {
        var core = ContextResolver.Core;
        Assert.Equal("https://uri.etsi.org/ngsi-ld/location", core.Expand("location"));
        Assert.Equal("https://uri.etsi.org/ngsi-ld/hasValue", core.Expand("value"));
        Assert.Equal("https://purl.org/geojson/vocab#Point", core.Expand("Point"));
        Assert.Equal(DefaultVocab + "GasPipeline", core.Expand("GasPipeline"));
        Assert.Equal("https://example.org/x", core.Expand("https://example.org/x"));
        Assert.Equal("urn:example:x", core.Expand("urn:example:x"));
        // And back: a term, a name relative to @vocab, a compact IRI, or the IRI itself.
        Assert.Equal("location", core.Compact("https://uri.etsi.org/ngsi-ld/location"));
        Assert.Equal("GasPipeline", core.Compact(DefaultVocab + "GasPipeline"));
        Assert.Equal("ngsi-ld:somethingElse", core.Compact("https://uri.etsi.org/ngsi-ld/somethingElse"));
        Assert.Equal("https://example.org/x", core.Compact("https://example.org/x"));
    }

    [Fact]
    public void A_user_context_defines_terms_prefixes_and_a_vocabulary_and_compaction_uses_them()
    {
        var context = With("""
            {"sdm": "https://smartdatamodels.org/", "Pipe": "sdm:dataModel.Energy/GasPipe", "lel": {"@id": "sdm:lowerExplosiveLimit", "@type": "@vocab"},
             "alias": "lel", "@vocab": "https://example.org/terms/"}
            """);
        Assert.Equal("https://smartdatamodels.org/dataModel.Energy/GasPipe", context.Expand("Pipe"));
        Assert.Equal("https://smartdatamodels.org/lowerExplosiveLimit", context.Expand("lel"));
        Assert.Equal("https://smartdatamodels.org/lowerExplosiveLimit", context.Expand("alias")); // a term defined by another term
        Assert.Equal("https://smartdatamodels.org/other", context.Expand("sdm:other"));
        Assert.Equal("https://example.org/terms/flow", context.Expand("flow"));
        // The shortest term wins; then the vocabulary; then a compact IRI.
        Assert.Equal("lel", context.Compact("https://smartdatamodels.org/lowerExplosiveLimit"));
        Assert.Equal("flow", context.Compact("https://example.org/terms/flow"));
        Assert.Equal("sdm:dataModel.Water/Pipe", context.Compact("https://smartdatamodels.org/dataModel.Water/Pipe"));
    }

    [Fact]
    public void Terms_may_be_defined_in_any_order_and_a_null_context_clears_what_came_before()
    {
        var context = With("""{"Pipe": "ex:GasPipe", "ex": "https://example.org/"}""");
        Assert.Equal("https://example.org/GasPipe", context.Expand("Pipe"));
        var cleared = context.With(JsonDocument.Parse("null").RootElement);
        Assert.Equal("Pipe", cleared.Expand("Pipe"));
        var looped = With("""{"a": "b", "b": "a"}""");
        Assert.Equal("a", looped.Expand("a")); // terms defined by each other: left as written, not a stack overflow
    }

    [Theory]
    [InlineData("42")]
    [InlineData("""{"lel": 42}""")]
    [InlineData("""{"lel": {"@id": 42}}""")]
    [InlineData("""{"@vocab": 42}""")]
    public void What_is_not_a_context_is_refused(string local)
    {
        Assert.Throws<InvalidContextException>(() => With(local));
    }
}
