using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Hosting;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Tests;

public class ApiKeyRingTests
{
    private static ApiKeyRing Ring(bool cluster, AuthMode? mode, params ApiKeyOptions[] keys) =>
        new(Options.Create(new AuthOptions { Mode = mode, Keys = [.. keys] }), new RunMode(cluster));

    private static ApiKeyOptions Key(string? name, string? hash, ApiRole? role, params string[] scopes) =>
        new() { Name = name, Hash = hash, Role = role, Scopes = [.. scopes] };

    [Theory]
    [InlineData(false, null, AuthMode.Open)]
    [InlineData(true, null, AuthMode.Keys)]
    [InlineData(true, AuthMode.Open, AuthMode.Open)]
    [InlineData(false, AuthMode.Keys, AuthMode.Keys)]
    public void The_mode_defaults_to_open_embedded_and_keys_in_a_cluster(bool cluster, AuthMode? configured, AuthMode expected)
    {
        var ring = Ring(cluster, configured);
        Assert.Equal(expected, ring.Mode);
        Assert.Equal(configured == AuthMode.Open, ring.ExplicitlyOpen);
    }

    [Fact]
    public void A_key_is_found_by_its_hash_only()
    {
        var ring = Ring(true, null, Key("ty-writer", ApiKeyRing.HashOf("s3cret-key-of-enough-length"), ApiRole.Writer, "taiyuan"));
        Assert.Equal(new[] { "taiyuan" }, ring.Find("s3cret-key-of-enough-length")!.Scopes);
        Assert.Null(ring.Find(ApiKeyRing.HashOf("s3cret-key-of-enough-length"))); // the hash itself is not a key
        Assert.Null(ring.Find("S3cret-key-of-enough-length"));
        Assert.Null(ring.Find(""));
        Assert.Null(ring.Find(new string('x', ApiKeyRing.MaxKeyLength + 1)));
    }

    [Fact]
    public void Every_bad_entry_is_named_at_start_up()
    {
        var good = ApiKeyRing.HashOf("a-good-key");
        var error = Assert.Throws<OptionsValidationException>(() => Ring(true, null,
            Key("ok", good, ApiRole.Admin),
            Key("ok", ApiKeyRing.HashOf("another"), ApiRole.Reader),
            Key("clear", "my-key-in-clear", ApiRole.Reader),
            Key("upper", good.ToUpperInvariant(), ApiRole.Reader),
            Key("same", good, ApiRole.Reader),
            Key("Bad Name", ApiKeyRing.HashOf("x1"), ApiRole.Reader),
            Key("norole", ApiKeyRing.HashOf("x2"), null),
            Key("badscope", ApiKeyRing.HashOf("x3"), ApiRole.Reader, "../etc")));
        Assert.Equal([
            "Auth:Keys:1:Name: 'ok' is used by an earlier key",
            "Auth:Keys:2:Hash", "Auth:Keys:3:Hash", "Auth:Keys:4:Hash: the same key is configured twice",
            "Auth:Keys:5:Name", "Auth:Keys:6:Role", "Auth:Keys:7:Scopes:0",
        ], error.Failures.Select(f => f.StartsWith("Auth:Keys:1:") || f.Contains("twice") ? f : f[..f.IndexOf(": ", StringComparison.Ordinal)]));
    }

    [Theory]
    [InlineData(ApiRole.Reader, "read")]
    [InlineData(ApiRole.Writer, "read write")]
    [InlineData(ApiRole.Operator, "read acknowledge subscribe")]
    [InlineData(ApiRole.Admin, "read write acknowledge subscribe administer")]
    public void Each_role_grants_reading_and_its_own_kind_of_change(ApiRole role, string granted) =>
        Assert.Equal(granted, string.Join(' ', Enum.GetValues<Permission>().Where(p => role.Grants(p)).Select(p => p.ToString().ToLowerInvariant())));
}
