using System.Net;
using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The simulator's <c>profile</c> command against a real gateway process taking requests: it records a trace and
/// names the code that ran (CPU) and what was allocated (allocations). Only that the summary is there and that
/// stacks through the product's handlers were recorded is asserted, not how much of anything: that depends on the machine.
/// </summary>
public sealed class ProfileCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-profile-").FullName;

    [Theory]
    [InlineData("cpu", "threads in managed code", "--- by leaf method")]
    [InlineData("alloc", "of allocations sampled", "--- by allocating method")]
    public async Task Profile_summarises_a_busy_gateway(string kind, string heading, string section)
    {
        await using var gateway = await LocalCluster.StartEmbeddedGatewayAsync(_directory, new Dictionary<string, string> { ["Simulation__Enabled"] = "false" }, output);

        using var busy = new CancellationTokenSource();
        var reads = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = gateway.Url };
            while (!busy.IsCancellationRequested)
            {
                using var response = await http.GetAsync("/api/v1/nodes/taiyuan", CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        var trace = Path.Combine(_directory, kind + ".nettrace");
        string[] arguments = ["profile", "--pid", gateway.Process.Pid.ToString(), "--seconds", "3", "--top", "15", "--out", trace, .. kind == "alloc" ? new[] { "--alloc" } : []];
        await using var profile = ServiceProcess.Start("profile", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), .. arguments],
            new Dictionary<string, string>(), Path.Combine(_directory, "profile.log"));
        var exitCode = await profile.WaitForExitAsync(TimeSpan.FromMinutes(2));
        await busy.CancelAsync();
        await reads;
        var summary = profile.LogTail(80);
        output.WriteLine(summary);

        Assert.Equal(0, exitCode);
        Assert.Contains(heading, summary);
        Assert.Contains(section, summary);
        Assert.True(new FileInfo(trace).Length > 0);
        // Stacks through the product's request handlers were recorded, with the methods named.
        Assert.Contains(File.ReadLines(trace + ".folded"), stack => stack.Contains("UrbanTwin.Gateway.Nodes.NodesApi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Profile_without_a_process_id_is_refused()
    {
        await using var profile = ServiceProcess.Start("profile", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "profile", "--seconds", "3"],
            new Dictionary<string, string>(), Path.Combine(_directory, "profile.log"));
        Assert.Equal(2, await profile.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Profile_of_a_process_that_is_not_there_says_so()
    {
        await using var profile = ServiceProcess.Start("profile", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "profile", "--pid", "2147483000", "--seconds", "1"],
            new Dictionary<string, string>(), Path.Combine(_directory, "profile.log"));
        Assert.Equal(2, await profile.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("no .NET process of this user answers diagnostics at pid 2147483000", profile.LogTail(10));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
