namespace UrbanTwin.Demo;

/// <summary>FNV-1a over a string: unlike string.GetHashCode, the same on every run and every machine.</summary>
public static class DeterministicHash
{
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }
}
