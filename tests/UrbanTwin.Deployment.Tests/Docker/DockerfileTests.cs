using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace UrbanTwin.Deployment.Tests.Docker;

/// <summary>
/// What a <c>docker build</c> would find wrong, checked without a Docker engine: official .NET 10 images, sources
/// that exist and are not ignored, a restore layer that holds every project the entry project needs, only the
/// published output in a non-root final stage, and an entry point that is the project's own assembly.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "deploy/Dockerfile.silo", "UrbanTwin.Silo" },
        { "deploy/Dockerfile.gateway", "UrbanTwin.Gateway" },
    };

    [Theory, MemberData(nameof(Images))]
    public void Builds_on_the_SDK_and_runs_on_the_ASP_NET_runtime_image_of_the_repository_s_NET_version(string path, string project)
    {
        var dockerfile = Dockerfile.Load(path);
        Assert.Equal(2, dockerfile.Stages.Count);
        var sdk = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("global.json"))).RootElement.GetProperty("sdk").GetProperty("version").GetString()!;
        var major = string.Join('.', sdk.Split('.')[..2]);
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{major}", dockerfile.Stages[0].Image);
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{major}", dockerfile.Final.Image);
        Assert.Contains(project, string.Join(' ', dockerfile.Stages[0].Arguments("RUN")));
    }

    [Theory, MemberData(nameof(Images))]
    public void Every_copied_source_exists_and_is_not_excluded_by_dockerignore(string path, string project)
    {
        var ignored = File.ReadAllLines(Repository.PathOf(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        foreach (var (from, sources, _) in Dockerfile.Load(path).Stages.SelectMany(s => s.Copies()))
        {
            if (from is not null)
            {
                continue;
            }
            foreach (var source in sources)
            {
                Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"{path}: COPY {source} does not exist");
                Assert.DoesNotContain(ignored, pattern => Excludes(pattern, source));
            }
        }
        Assert.Contains(ignored, p => p is "**/bin/" or "**/bin");
        Assert.Contains(ignored, p => p is "**/obj/" or "**/obj");
        Assert.Contains(ignored, p => p is ".git/" or ".git");
        _ = project;
    }

    [Theory, MemberData(nameof(Images))]
    public void The_restore_layer_copies_every_project_file_the_entry_project_needs_before_restoring_it(string path, string project)
    {
        var build = Dockerfile.Load(path).Stages[0];
        var restore = build.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{path}: no dotnet restore step");
        var copiedBeforeRestore = build.Instructions.Take(restore).Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToHashSet();

        Assert.Contains($"src/{project}/{project}.csproj", string.Join(' ', build.Instructions[restore].Arguments));
        foreach (var needed in ProjectClosure($"src/{project}/{project}.csproj").Concat(["global.json", "Directory.Build.props", "Directory.Packages.props"]))
        {
            Assert.True(copiedBeforeRestore.Contains(needed), $"{path}: {needed} is not copied before the restore, so the restore would fail");
        }
    }

    [Theory, MemberData(nameof(Images))]
    public void The_final_stage_holds_only_the_published_output_runs_as_a_non_root_user_and_starts_the_project_s_assembly(string path, string project)
    {
        var dockerfile = Dockerfile.Load(path);
        var copies = dockerfile.Final.Copies().ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.Equal(dockerfile.Stages[0].Name, c.From));
        var publish = Assert.Single(dockerfile.Stages[0].Arguments("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal));
        var output = PublishOutput().Match(publish).Groups[1].Value;
        Assert.All(copies, c => Assert.Equal(output, Assert.Single(c.Sources)));

        var user = Assert.Single(dockerfile.Final.Arguments("USER"));
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.True(dockerfile.Final.Instructions.FindIndex(i => i.Keyword == "USER") > dockerfile.Final.Instructions.FindLastIndex(i => i.Keyword is "COPY" or "RUN"),
            $"{path}: USER must come after the last COPY or RUN of the final stage");

        var entry = JsonSerializer.Deserialize<string[]>(Assert.Single(dockerfile.Final.Arguments("ENTRYPOINT")))!;
        Assert.Equal(["dotnet", $"{AssemblyName(project)}.dll"], entry);
        var env = string.Join(' ', dockerfile.Final.Arguments("ENV"));
        Assert.Contains("Urls=http://+:8080", env); // all interfaces: appsettings.json's localhost would hide it from probes
        Assert.Contains("8080", string.Join(' ', dockerfile.Final.Arguments("EXPOSE")));
    }

    [Fact]
    public void The_silo_image_listens_on_the_Orleans_ports_the_manifests_open()
    {
        var env = string.Join(' ', Dockerfile.Load("deploy/Dockerfile.silo").Final.Arguments("ENV"));
        Assert.Contains("Orleans__SiloPort=11111", env);
        Assert.Contains("Orleans__GatewayPort=30000", env);
        var exposed = string.Join(' ', Dockerfile.Load("deploy/Dockerfile.silo").Final.Arguments("EXPOSE")).Split(' ');
        Assert.Contains("11111", exposed);
        Assert.Contains("30000", exposed);
    }

    /// <summary>The project file and every project it references, transitively, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(Repository.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(Repository.Root, directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, full).Replace('\\', '/'));
            }
        }
        return seen;
    }

    private static string AssemblyName(string project) =>
        XDocument.Load(Repository.PathOf($"src/{project}/{project}.csproj")).Descendants("AssemblyName").SingleOrDefault()?.Value ?? project;

    /// <summary>The .dockerignore patterns used here: a folder anywhere (<c>**/x/</c>) or at the root (<c>x/</c>), or a file glob.</summary>
    private static bool Excludes(string pattern, string source)
    {
        var normalized = source.TrimEnd('/') + "/";
        if (pattern.StartsWith("**/", StringComparison.Ordinal))
        {
            var folder = pattern[3..].TrimEnd('/') + "/";
            return ("/" + normalized).Contains("/" + folder, StringComparison.Ordinal);
        }
        return normalized.StartsWith(pattern.TrimEnd('/') + "/", StringComparison.Ordinal) || normalized == pattern;
    }

    [GeneratedRegex(@"-o\s+(\S+)")]
    private static partial Regex PublishOutput();
}
