namespace UrbanTwin.Grains.Storage;

public static class StorageNames
{
    /// <summary>The grain storage provider every UrbanTwin grain persists to (memory when embedded, Redis in a cluster).</summary>
    public const string Default = "urbantwin";
}
