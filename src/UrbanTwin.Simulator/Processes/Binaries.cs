namespace UrbanTwin.Simulator.Processes;

/// <summary>Where the repository's built programs are, and programs on PATH.</summary>
public static class Binaries
{
    /// <summary>The repository: the folder holding UrbanTwin.sln above this program's output.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration (Debug/Release) this program was built in: …/bin/{Configuration}/net10.0.</summary>
    public static string OwnConfiguration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The silo, built in the same configuration as this program.</summary>
    public static string Silo => Of("UrbanTwin.Silo", OwnConfiguration);

    /// <summary>The gateway, built in the same configuration as this program.</summary>
    public static string Gateway => Of("UrbanTwin.Gateway", OwnConfiguration);

    /// <summary>A project's built assembly, e.g. <c>Of("UrbanTwin.Silo", "Release")</c>; fails clearly when it is not built.</summary>
    public static string Of(string project, string configuration)
    {
        var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution first (dotnet build -c {configuration}).");
    }

    /// <summary>A program on PATH (or in the usual places); a clear failure, never a skip, when it is missing.</summary>
    public static string Program(string name, string installHint)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin").Append("/usr/sbin");
        return candidates.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{name} is not installed ({installHint}).");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UrbanTwin.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"UrbanTwin.sln not found above {AppContext.BaseDirectory}.");
    }
}
