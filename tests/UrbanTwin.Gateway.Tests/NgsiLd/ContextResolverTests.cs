using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>User contexts fetched over HTTP from a real server: allow-list, limits, cache, and the core context never fetched.</summary>
public sealed class ContextResolverTests : IAsyncLifetime
{
    private readonly ContextServer _server = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public async Task InitializeAsync()
    {
        _server.Serve("pipes", """{"@context": {"Pipe": "https://example.org/GasPipe", "lel": "https://example.org/lel"}}""");
        _server.Serve("layered", $$"""{"@context": ["{{_server.UrlOf("pipes")}}", "{{ContextResolver.CoreUrl}}", {"flow": "https://example.org/flow"}]}""");
        _server.Serve("big", "{\"@context\": {\"x\": \"" + new string('x', 8000) + "\"}}");
        _server.Serve("not-a-context", """{"hello": "world"}""");
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _services.DisposeAsync();
    }

    private ContextResolver Resolver(params string[] hosts) => new(_services.GetRequiredService<IHttpClientFactory>(),
        Options.Create(new NgsiLdOptions { ContextHosts = [.. hosts], ContextTimeout = TimeSpan.FromSeconds(1), MaxContextBytes = 4096 }), TimeProvider.System);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task A_context_from_an_allowed_host_is_fetched_once_and_its_terms_used_with_the_core_ones()
    {
        var resolver = Resolver("127.0.0.1");
        var context = await resolver.ResolveAsync(_server.UrlOf("layered"), CancellationToken.None);
        Assert.Equal("https://example.org/GasPipe", context.Expand("Pipe"));
        Assert.Equal("https://example.org/flow", context.Expand("flow"));
        Assert.Equal("https://uri.etsi.org/ngsi-ld/location", context.Expand("location"));
        await resolver.ResolveAsync(_server.UrlOf("layered"), CancellationToken.None);
        Assert.Equal(1, _server.Requests["layered"]);
        Assert.Equal(1, _server.Requests["pipes"]);
    }

    [Fact]
    public async Task The_core_context_s_urls_are_never_fetched_and_its_terms_win_over_a_user_s()
    {
        var resolver = Resolver(); // no host allowed at all
        var context = await resolver.ResolveAsync(Json($$"""["{{ContextResolver.CoreUnversionedUrl}}", {"location": "https://example.org/where"}]"""), CancellationToken.None);
        Assert.Equal("https://uri.etsi.org/ngsi-ld/location", context.Expand("location"));
        Assert.Same(ContextResolver.Core, await resolver.ResolveAsync((System.Text.Json.JsonElement?)null, CancellationToken.None));
    }

    [Theory]
    [InlineData("pipes", "localhost")] // a host not on the list (the server is on 127.0.0.1)
    [InlineData("missing", "127.0.0.1")]
    [InlineData("slow", "127.0.0.1")]
    [InlineData("big", "127.0.0.1")]
    [InlineData("not-a-context", "127.0.0.1")]
    public async Task A_context_that_cannot_be_had_is_LdContextNotAvailable(string name, string allowed)
    {
        var refused = await Assert.ThrowsAsync<NgsiLdException>(() => Resolver(allowed).ResolveAsync(_server.UrlOf(name), CancellationToken.None));
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable", 503), (refused.Error.Type, refused.Error.Status));
        Assert.Contains(_server.UrlOf(name), refused.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("""{"lel": 42}""")]
    [InlineData("\"ftp://example.org/context.jsonld\"")]
    public async Task What_is_not_a_context_is_BadRequestData(string context)
    {
        var refused = await Assert.ThrowsAsync<NgsiLdException>(() => Resolver("127.0.0.1").ResolveAsync(Json(context), CancellationToken.None));
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", 400), (refused.Error.Type, refused.Error.Status));
    }
}
