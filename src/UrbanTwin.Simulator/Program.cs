using System.CommandLine;
using UrbanTwin.Simulator.Bench;
using UrbanTwin.Simulator.Checks;
using UrbanTwin.Simulator.Profiling;

namespace UrbanTwin.Simulator;

/// <summary>The simulator's entry point (an explicit class: the tests reference this assembly and the gateway's, which both have a Program).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The command line (System.CommandLine): feed, check write|verify, bench, bench-history, bench-geo, bench-ngsi, profile, mqtt-auth; `--help` on each says more.
        // A usage error exits with 2 and says what was wrong; feed and check send the API key in URBANTWIN_API_KEY.
        var root = new RootCommand("UrbanTwin simulator: telemetry feed, durability check, benchmark and profiler for a running gateway.");
        root.Subcommands.Add(Commands.Feed());
        root.Subcommands.Add(Commands.Check());
        root.Subcommands.Add(Commands.Bench());
        root.Subcommands.Add(Commands.BenchHistory());
        root.Subcommands.Add(Commands.BenchGeo());
        root.Subcommands.Add(Commands.BenchNgsi());
        root.Subcommands.Add(Commands.Profile());
        root.Subcommands.Add(Commands.MqttAuth());

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }
            Console.Error.WriteLine("Run with --help for the usage.");
            return 2;
        }
        return await parsed.InvokeAsync();
    }
}
