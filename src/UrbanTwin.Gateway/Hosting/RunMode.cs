namespace UrbanTwin.Gateway.Hosting;

/// <summary>Whether this gateway is a client of a Redis-backed silo cluster, or embeds its own in-memory silo.</summary>
public sealed record RunMode(bool IsCluster)
{
    public string Name => IsCluster ? "cluster" : "embedded";
}
