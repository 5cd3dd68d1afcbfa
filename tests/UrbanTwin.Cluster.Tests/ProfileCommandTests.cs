using System.Net;
using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The simulator's <c>profile</c> command against a real gateway process taking requests: it records a trace and
/// names the code that ran (CPU) and what was allocated (allocations). Only that the summary is there and names
/// the product's code is asserted, not how much of anything: that depends on the machine.
/// </summary>
public sealed class ProfileCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-profile-").FullName;

    [Theory]
    [InlineData("cpu", "threads in managed code", "--- by leaf method")]
    [InlineData("alloc", "of allocations sampled", "--- by allocating method")]
    public async Task Profile_summarises_a_busy_gateway(string kind, string heading, string section)
    {
        var httpPort = Ports.Free();
        await using var gateway = ServiceProcess.Start("gateway", "dotnet", [Binaries.Gateway], new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Orleans__SiloPort"] = Ports.Free().ToString(),
            ["Orleans__GatewayPort"] = Ports.Free().ToString(),
            ["Simulation__Enabled"] = "false",
        }, Path.Combine(_directory, "gateway.log"));
        await LocalCluster.WaitReadyAsync(gateway, $"http://127.0.0.1:{httpPort}/health/ready", output);

        using var busy = new CancellationTokenSource();
        var reads = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            while (!busy.IsCancellationRequested)
            {
                using var response = await http.GetAsync("/api/v1/nodes/taiyuan", CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        var trace = Path.Combine(_directory, kind + ".nettrace");
        string[] arguments = ["profile", "--pid", gateway.Pid.ToString(), "--seconds", "3", "--top", "15", "--out", trace, .. kind == "alloc" ? new[] { "--alloc" } : []];
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
        Assert.Contains("UrbanTwin.Gateway", summary); // the request handlers ran, and were named
        Assert.True(new FileInfo(trace).Length > 0);
        Assert.True(File.ReadLines(trace + ".folded").Any());
    }

    [Fact]
    public async Task Profile_without_a_process_id_is_refused()
    {
        await using var profile = ServiceProcess.Start("profile", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "profile", "--seconds", "3"],
            new Dictionary<string, string>(), Path.Combine(_directory, "profile.log"));
        Assert.Equal(2, await profile.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
