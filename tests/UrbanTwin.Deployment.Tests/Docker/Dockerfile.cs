using System.Text.RegularExpressions;

namespace UrbanTwin.Deployment.Tests.Docker;

/// <summary>A Dockerfile read into its stages and instructions (continuation lines joined, comments dropped).</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<Stage> stages)
    {
        Path = path;
        Stages = stages;
    }

    public string Path { get; }
    public IReadOnlyList<Stage> Stages { get; }
    public Stage Final => Stages[^1];

    public static Dockerfile Load(string relativePath)
    {
        var text = File.ReadAllText(Repository.PathOf(relativePath)).Replace("\\\n", " ");
        var stages = new List<Stage>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var match = Instruction().Match(line);
            var (keyword, arguments) = (match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value.Trim());
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage(parts[0], parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null));
            }
            else
            {
                stages[^1].Instructions.Add((keyword, arguments));
            }
        }
        return new Dockerfile(relativePath, stages);
    }

    [GeneratedRegex(@"^(\w+)\s+(.*)$")]
    private static partial Regex Instruction();

    public sealed class Stage(string image, string? name)
    {
        public string Image { get; } = image;
        public string? Name { get; } = name;
        public List<(string Keyword, string Arguments)> Instructions { get; } = [];

        public IEnumerable<string> Arguments(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        /// <summary>COPY instructions as (--from stage or null, sources, destination).</summary>
        public IEnumerable<(string? From, string[] Sources, string Destination)> Copies() =>
            Arguments("COPY").Select(a =>
            {
                var words = a.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                return (from, paths[..^1], paths[^1]);
            });
    }
}
