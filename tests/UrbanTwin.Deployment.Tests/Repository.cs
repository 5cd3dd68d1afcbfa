namespace UrbanTwin.Deployment.Tests;

/// <summary>The repository these tests were built from: the folder holding UrbanTwin.sln above the test output.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "UrbanTwin.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"UrbanTwin.sln not found above {AppContext.BaseDirectory}.");
    }
}
