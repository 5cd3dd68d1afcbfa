using Microsoft.AspNetCore.Hosting;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Tests;

/// <summary>An embedded gateway with <c>Auth:Mode=keys</c> and one key per role and scope the access tests need.</summary>
public sealed class KeysGatewayFixture : GatewayFixture
{
    /// <summary>The keys in clear, as their holders would send them; the gateway is configured with their hashes only.</summary>
    public static readonly (string Name, string Role, string[] Scopes, string Key)[] Keys =
    [
        ("admin", "admin", [], "k-admin-0f3c9a1d2e4b5c6d7e8f9a0b1c2d3e4f"),
        ("ty-admin", "admin", ["taiyuan"], "k-ty-admin-5a6b7c8d9e0f1a2b3c4d5e6f7a8b"),
        ("reader", "reader", [], "k-reader-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"),
        ("ty-writer", "writer", ["taiyuan"], "k-ty-writer-9f8e7d6c5b4a3f2e1d0c9b8a7f6e"),
        ("ty-operator", "operator", ["taiyuan"], "k-ty-operator-2b3c4d5e6f7a8b9c0d1e2f3a4b5c"),
        ("north-reader", "reader", ["datong", "shuozhou"], "k-north-reader-7e6d5c4b3a2f1e0d9c8b7a6f5e4d"),
        ("throttled", "writer", [], "k-throttled-3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"),
        ("streamer", "reader", [], "k-streamer-8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d"),
        // Named like open mode's keyless caller, which is not limited: a key must not pass for it by its name.
        ("open", "reader", [], "k-open-named-4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a"),
    ];

    /// <summary>The keys with the low rate limit of <see cref="ThrottledBurst"/> requests, then one a second.</summary>
    public static readonly string[] Throttled = ["throttled", "open"];

    public const int ThrottledBurst = 3;
    public const int MaxStreamsPerKey = 2;

    public static string KeyOf(string name) => Keys.Single(k => k.Name == name).Key;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OrleansDashboard:Enabled", "true");
        builder.UseSetting("Live:MaxStreamsPerKey", MaxStreamsPerKey.ToString());
        Configure(builder, Keys);
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Throttled.Contains(Keys[i].Name))
            {
                builder.UseSetting($"Auth:Keys:{i}:RequestsPerSecond", "1");
                builder.UseSetting($"Auth:Keys:{i}:Burst", ThrottledBurst.ToString());
            }
        }
    }

    /// <summary>Keys mode with <paramref name="keys"/>, configured as an operator would: by their hashes.</summary>
    public static void Configure(IWebHostBuilder builder, (string Name, string Role, string[] Scopes, string Key)[] keys)
    {
        builder.UseSetting("Auth:Mode", "keys");
        for (var i = 0; i < keys.Length; i++)
        {
            builder.UseSetting($"Auth:Keys:{i}:Name", keys[i].Name);
            builder.UseSetting($"Auth:Keys:{i}:Hash", ApiKeyRing.HashOf(keys[i].Key));
            builder.UseSetting($"Auth:Keys:{i}:Role", keys[i].Role);
            for (var s = 0; s < keys[i].Scopes.Length; s++)
            {
                builder.UseSetting($"Auth:Keys:{i}:Scopes:{s}", keys[i].Scopes[s]);
            }
        }
    }

    /// <summary>A client that sends <paramref name="keyName"/>'s key in X-Api-Key.</summary>
    public HttpClient ClientFor(string keyName)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", KeyOf(keyName));
        return http;
    }
}

[CollectionDefinition(Name)]
public sealed class KeysGatewayCollection : ICollectionFixture<KeysGatewayFixture>
{
    public const string Name = "gateway with keys";
}
