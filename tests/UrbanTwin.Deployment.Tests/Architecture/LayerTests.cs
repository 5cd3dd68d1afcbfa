using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace UrbanTwin.Deployment.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, checked on the sources: the domain rules know neither Orleans nor ASP.NET (their
/// one package is NetTopologySuite's geometry),
/// and the gateway reaches the grains only through their contracts, except in the one folder that co-hosts a silo.
/// </summary>
public sealed partial class LayerTests
{
    private const string EmbeddedHostFolder = "src/UrbanTwin.Gateway/Hosting/";

    [Fact]
    public void No_gateway_source_outside_the_embedded_host_folder_uses_the_grains_assembly()
    {
        var offenders = SourcesOf("src/UrbanTwin.Gateway")
            .Where(file => !file.StartsWith(EmbeddedHostFolder, StringComparison.Ordinal))
            .Where(file => GrainsNamespace().IsMatch(File.ReadAllText(Repository.PathOf(file))))
            .ToList();

        Assert.True(SourcesOf("src/UrbanTwin.Gateway").Count() > 50, "the gateway's sources were not found");
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("UrbanTwin.Domain")]
    [InlineData("UrbanTwin.Demo")]
    public void The_domain_and_the_demo_data_use_neither_Orleans_nor_ASP_NET(string project)
    {
        var csproj = XDocument.Load(Repository.PathOf($"src/{project}/{project}.csproj"));
        var references = csproj.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference" or "ProjectReference")
            .Select(e => e.Attribute("Include")!.Value).ToList();
        // Besides the contracts, only NetTopologySuite: plain geometry (boundaries, areas), no host or framework.
        Assert.All(references.Where(r => r != "NetTopologySuite"), r => Assert.Matches(@"UrbanTwin\.(Contracts|Domain)\.csproj$", r));

        var offenders = SourcesOf($"src/{project}")
            .Where(file => ForbiddenNamespace().IsMatch(File.ReadAllText(Repository.PathOf(file))))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_grains_assembly_holds_no_demo_data_generator()
    {
        Assert.False(Directory.Exists(Repository.PathOf("src/UrbanTwin.Grains/Simulation")));
        Assert.DoesNotContain(SourcesOf("src/UrbanTwin.Grains"), file => File.ReadAllText(Repository.PathOf(file)).Contains("class ReadingGenerator"));
    }

    /// <summary>Source files of a project, relative to the repository root with '/' separators, build output excluded.</summary>
    private static IEnumerable<string> SourcesOf(string projectFolder) =>
        Directory.EnumerateFiles(Repository.PathOf(projectFolder), "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/") && !path.Contains("/bin/"));

    [GeneratedRegex(@"\bUrbanTwin\.Grains\b|(?<![\w.])Grains\.[A-Z]")]
    private static partial Regex GrainsNamespace();

    [GeneratedRegex(@"^\s*using\s+(Orleans|Microsoft\.AspNetCore)\b|\[(GenerateSerializer|Alias)\b", RegexOptions.Multiline)]
    private static partial Regex ForbiddenNamespace();
}
