namespace UrbanTwin.Cluster.Tests.Harness;

/// <summary>Where the built silo and gateway are, in the same configuration (Debug/Release) as these tests.</summary>
public static class Binaries
{
    private static readonly DirectoryInfo TestOutput = new(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));

    public static string Configuration => TestOutput.Parent!.Name; // …/bin/{Configuration}/net10.0

    public static string Root
    {
        get
        {
            for (var dir = TestOutput; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "UrbanTwin.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException($"UrbanTwin.sln not found above {TestOutput.FullName}.");
        }
    }

    public static string Silo => Find("UrbanTwin.Silo");

    public static string Gateway => Find("UrbanTwin.Gateway");

    private static string Find(string project)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution first (dotnet build -c {Configuration}).");
    }

    /// <summary>A program on PATH (or in the usual places); a clear failure, never a skip, when it is missing.</summary>
    public static string Program(string name, string installHint)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin").Append("/usr/sbin");
        return candidates.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{name} is not installed; the cluster tests need it ({installHint}).");
    }
}
