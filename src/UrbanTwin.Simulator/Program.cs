using UrbanTwin.Simulator;
using UrbanTwin.Simulator.Bench;
using UrbanTwin.Simulator.Checks;
using UrbanTwin.Simulator.Profiling;

// Usage:
//   feed  [--url http://localhost:8080] [--rate 1000] [--seconds 30] [--batch 200]
//         Posts readings for the reference Shanxi assets as real HTTP batches at a fixed rate; reports what was accepted.
//   check write  --ledger FILE [--count 2000] [--url URL]   durable updates, each retried until acknowledged; saves them
//   check verify --ledger FILE [--seconds 120] [--url URL]  reads every one back; exit 0 only if all are unchanged
//   bench [--quick | --full | --smoke] [--silos 1,2,3] [--memory ASSETS] [--out FILE]
//         the benchmark (docs/benchmarks.md); run it with -c Release. --silos adds ingest against clusters of those
//         sizes; --memory measures the heap per asset over that many assets instead of the profile's number.
//   profile --pid PID [--seconds 10] [--alloc] [--top 30] [--out FILE.nettrace]
//         an EventPipe trace of a running gateway or silo (CPU samples, or allocations with --alloc), summed up
// feed and check send the API key in URBANTWIN_API_KEY when it is set (a cluster gateway needs one).
const string Usage = """
    usage: UrbanTwin.Simulator feed [--url URL] [--rate READINGS_PER_SECOND] [--seconds N] [--batch N]
           UrbanTwin.Simulator check write --ledger FILE [--count N] [--url URL]
           UrbanTwin.Simulator check verify --ledger FILE [--seconds N] [--url URL]
           UrbanTwin.Simulator bench [--quick | --full | --smoke] [--silos 1,2,3] [--memory ASSETS] [--out FILE]
           UrbanTwin.Simulator profile --pid PID [--seconds N] [--alloc] [--top N] [--out FILE.nettrace]
    feed and check send the API key in URBANTWIN_API_KEY when it is set.
    """;
if (args.FirstOrDefault() == "bench")
{
    return await RunBenchAsync(args);
}
if (args.FirstOrDefault() == "profile")
{
    var (profile, problem) = ProfileArguments.Parse(args);
    if (profile is null)
    {
        Console.Error.WriteLine($"{problem}\n{Usage}");
        return 2;
    }
    return await ProfileCommand.RunAsync(profile, Console.Out);
}
var options = CommandLine.Parse(args);
if (options.Command is not ("feed" or "check"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (options.Error is not null)
{
    Console.Error.WriteLine($"{options.Error}\n{Usage}");
    return 2;
}
return options.Command == "feed" ? await Feed.RunAsync(options) : await DurabilityCheck.RunAsync(options);

// The targets are stated in the report, never turned into the exit code: a slow shared machine is not a failure.
async Task<int> RunBenchAsync(string[] arguments)
{
    var profiles = new[] { BenchProfile.Quick, BenchProfile.Full, BenchProfile.Smoke };
    BenchProfile? profile = null;
    string? output = null;
    int[]? silos = null;
    int? memoryAssets = null;
    for (var i = 1; i < arguments.Length; i++)
    {
        if (arguments[i] == "--out" && i + 1 < arguments.Length && output is null)
        {
            output = arguments[++i];
            continue;
        }
        if (arguments[i] == "--silos" && i + 1 < arguments.Length && silos is null)
        {
            var counts = arguments[++i].Split(',');
            if (counts.Any(c => !int.TryParse(c, out var n) || n is < 1 or > 9))
            {
                Console.Error.WriteLine($"--silos takes cluster sizes from 1 to 9, comma-separated (e.g. 1,2,3), not '{arguments[i]}'\n{Usage}");
                return 2;
            }
            silos = [.. counts.Select(int.Parse)];
            continue;
        }
        if (arguments[i] == "--memory" && i + 1 < arguments.Length && memoryAssets is null)
        {
            if (!int.TryParse(arguments[++i], out var count) || count is < 1_000 or > 10_000_000)
            {
                Console.Error.WriteLine($"--memory takes a number of assets from 1,000 to 10,000,000, not '{arguments[i]}'\n{Usage}");
                return 2;
            }
            memoryAssets = count;
            continue;
        }
        var named = profiles.FirstOrDefault(p => arguments[i] == "--" + p.Name);
        if (named is null || profile is not null)
        {
            Console.Error.WriteLine($"bench takes one of --quick, --full, --smoke and an optional --out FILE, not '{arguments[i]}'\n{Usage}");
            return 2;
        }
        profile = named;
    }
    var chosen = profile ?? BenchProfile.Quick;
    var report = await BenchCommand.RunAsync(memoryAssets is { } assets ? chosen with { MemoryAssets = assets } : chosen, Console.Out, silos);
    Console.WriteLine(report.ToTable());
    if (output is not null)
    {
        await File.WriteAllTextAsync(output, report.ToJson());
        Console.WriteLine($"written to {output}");
    }
    return 0;
}

internal sealed record CommandLine(string Command, string? Action, string Url, int Rate, int Seconds, int Batch, int Count, string? Ledger, string? Error)
{
    public static CommandLine Parse(string[] args)
    {
        string? error = null;
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Positive(string name, int fallback)
        {
            var text = Value(name, fallback.ToString());
            if (int.TryParse(text, out var value) && value > 0)
            {
                return value;
            }
            error ??= $"{name} must be a whole number above 0, not '{text}'";
            return fallback;
        }
        var url = Value("--url", "http://localhost:8080");
        if (!Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            error = $"--url must be an absolute URL, not '{url}'";
        }
        var command = args.FirstOrDefault() ?? "";
        var action = command == "check" ? args.ElementAtOrDefault(1) : null;
        var ledger = Value("--ledger", "");
        if (command == "check" && action is not ("write" or "verify"))
        {
            error ??= $"check needs 'write' or 'verify', not '{action}'";
        }
        if (command == "check" && ledger.Length == 0)
        {
            error ??= "check needs --ledger FILE";
        }
        var rate = Positive("--rate", 1000);
        var seconds = Positive("--seconds", command == "check" ? 120 : 30);
        // A batch larger than the rate would send more per second than asked.
        var batch = Math.Min(Positive("--batch", 200), rate);
        var count = Positive("--count", 2000);
        return new CommandLine(command, action, url, rate, seconds, batch, count, ledger.Length > 0 ? ledger : null, error);
    }
}
