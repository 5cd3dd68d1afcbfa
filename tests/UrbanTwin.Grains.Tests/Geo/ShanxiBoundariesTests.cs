using NetTopologySuite.Geometries;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Grains.Tests.Geo;

/// <summary>The vendored Shanxi polygons as the product builds them: every node has a valid one, in the right place.</summary>
public sealed class ShanxiBoundariesTests
{
    private static readonly NodeDefinition[] Nodes = ReferenceTopology.Load();

    [Fact]
    public void The_committed_boundaries_are_what_the_vendored_polygons_give()
    {
        var root = RepositoryRoot();
        var built = ShanxiBoundaries.ToJson(ShanxiBoundaries.Build(ReferenceTopology.LoadWithoutBoundaries(),
            Path.Combine(root, "src/UrbanTwin.Domain/Geo/Reference/shanxi")));
        var path = Path.Combine(root, "src/UrbanTwin.Domain/Geo/Reference", ShanxiBoundaries.FileName);
        if (Environment.GetEnvironmentVariable("URBANTWIN_UPDATE_BOUNDARIES") == "1")
        {
            File.WriteAllText(path, built);
        }
        Assert.True(File.Exists(path) && File.ReadAllText(path) == built,
            $"{ShanxiBoundaries.FileName} differs from what the vendored polygons and mapping.json give. If the change is meant, rebuild it with " +
            "URBANTWIN_UPDATE_BOUNDARIES=1 dotnet test tests/UrbanTwin.Grains.Tests --filter The_committed_boundaries_are_what_the_vendored_polygons_give, and commit it.");
    }

    [Fact]
    public void Every_province_cluster_city_and_district_has_a_valid_boundary()
    {
        Assert.Equal((1, 4, 11, 117), (Count(NodeKind.Province), Count(NodeKind.Cluster), Count(NodeKind.City), Count(NodeKind.District)));
        Assert.All(Nodes, n =>
        {
            var area = Shapes.ToGeometry(Assert.IsType<Contracts.Geo.GeoBoundary>(n.Boundary));
            Assert.True(area.IsValid, $"{n.Id}: not a valid polygon");
            Assert.True(area.Area > 0, $"{n.Id}: empty");
        });

        static int Count(NodeKind kind) => Nodes.Count(n => n.Kind == kind && n.Boundary is not null);
    }

    [Fact]
    public void Every_district_seat_lies_in_its_own_district_and_no_other()
    {
        var districts = Nodes.Where(n => n.Kind == NodeKind.District).Select(n => (Node: n, Area: Shapes.ToGeometry(n.Boundary!))).ToArray();
        var misplaced = new List<string>();
        foreach (var (node, area) in districts)
        {
            var seat = Shapes.Factory.CreatePoint(new Coordinate(node.Location!.Lng, node.Location.Lat));
            var holders = districts.Where(d => d.Area.Covers(seat)).Select(d => d.Node.Id).ToArray();
            if (holders is not [var only] || only != node.Id)
            {
                misplaced.Add($"{node.Id} (seat in: {string.Join(", ", holders)})");
            }
        }
        Assert.True(misplaced.Count == 0, "seats outside their district: " + string.Join("; ", misplaced));
    }

    [Fact]
    public void Each_parent_covers_its_children_and_neighbours_barely_overlap()
    {
        var byId = Nodes.ToDictionary(n => n.Id);
        foreach (var child in Nodes.Where(n => n.ParentId is not null))
        {
            var area = Shapes.ToGeometry(child.Boundary!);
            var parent = Shapes.ToGeometry(byId[child.ParentId!].Boundary!);
            // The parent is the union of its children with slivers closed, then simplified at a quarter of the data's resolution.
            Assert.True(area.Difference(parent).Area < area.Area * 0.001, $"{child.Id} reaches outside {child.ParentId}");
        }
        var districts = Nodes.Where(n => n.Kind == NodeKind.District).Select(n => Shapes.ToGeometry(n.Boundary!)).ToArray();
        var overlap = 0.0;
        for (var i = 0; i < districts.Length; i++)
        {
            for (var j = i + 1; j < districts.Length; j++)
            {
                if (districts[i].EnvelopeInternal.Intersects(districts[j].EnvelopeInternal))
                {
                    overlap += districts[i].Intersection(districts[j]).Area;
                }
            }
        }
        Assert.True(overlap < districts.Sum(d => d.Area) * 0.001, $"districts overlap by {overlap} square degrees");
    }

    [Fact]
    public void Every_demo_asset_lies_inside_its_own_district()
    {
        var areas = Nodes.Where(n => n.Kind == NodeKind.District).ToDictionary(n => n.Id, n => Shapes.ToGeometry(n.Boundary!));
        var assets = Demo.AssetPlan.For(Nodes).ToList();
        Assert.True(assets.Count >= 117 * 20);
        Assert.Equal(assets.Count, assets.Select(a => a.Id).Distinct().Count());
        var outside = assets.Where(a => !areas[a.NodeId].Covers(Shapes.Factory.CreatePoint(new Coordinate(a.Location.Lng, a.Location.Lat))))
            .Select(a => a.Id).ToList();
        Assert.True(outside.Count == 0, "outside their district: " + string.Join(", ", outside.Take(20)));
    }

    private static string RepositoryRoot()
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
