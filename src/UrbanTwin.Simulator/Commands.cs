using System.CommandLine;
using System.CommandLine.Parsing;
using UrbanTwin.Simulator.Bench;
using UrbanTwin.Simulator.Bench.Geo;
using UrbanTwin.Simulator.Bench.NgsiLd;
using UrbanTwin.Simulator.Bench.History;
using UrbanTwin.Simulator.Checks;
using UrbanTwin.Simulator.Profiling;

namespace UrbanTwin.Simulator;

/// <summary>What a feed or a durability check is pointed at and how hard it drives it.</summary>
public sealed record GatewayRun(string Url, int Rate, int Seconds, int Batch, int Count, string? Ledger, string? Action);

/// <summary>The simulator's commands and their options, each checked before anything runs.</summary>
public static class Commands
{
    public static Command Feed()
    {
        var url = UrlOption();
        var rate = Positive("--rate", 1000, "readings per second");
        var seconds = Positive("--seconds", 30, "how long to feed");
        var batch = Positive("--batch", 200, "readings per request (at most the rate)");
        var mqtt = new Option<string?>("--mqtt")
        {
            Description = "publish to this MQTT broker instead of posting (mqtt://[user:password@]host[:port]; the embedded run's is mqtt://localhost:1883)",
        };
        mqtt.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && BrokerUri(text) is null)
            {
                result.AddError("--mqtt must be mqtt://host[:port], with user:password@ when the broker asks for them");
            }
        });
        var feed = new Command("feed", "Posts readings for the reference Shanxi assets as real HTTP batches (or MQTT messages) at a fixed rate; reports what was accepted.")
        {
            url, rate, seconds, batch, mqtt,
        };
        feed.SetAction((result, _) =>
        {
            var perSecond = result.GetValue(rate);
            // A batch larger than the rate would send more per second than asked.
            return UrbanTwin.Simulator.Feed.RunAsync(new GatewayRun(result.GetValue(url)!, perSecond, result.GetValue(seconds),
                Math.Min(result.GetValue(batch), perSecond), 0, null, null), result.GetValue(mqtt) is { } broker ? BrokerUri(broker) : null);
        });
        return feed;
    }

    public static Command Check()
    {
        var check = new Command("check", "The durability check: write durable updates and keep a ledger of what was acknowledged, then verify it.");
        foreach (var (action, summary, secondsDefault) in new[]
        {
            ("write", "Durable updates, each retried until acknowledged; saves the ledger.", 120),
            ("verify", "Reads every ledger entry back; exit 0 only if all are unchanged.", 120),
        })
        {
            var url = UrlOption();
            var ledger = new Option<string>("--ledger") { Description = "the ledger file", Required = true };
            var count = Positive("--count", 2000, "updates to write");
            var seconds = Positive("--seconds", secondsDefault, "how long to keep retrying");
            var command = new Command(action, summary) { url, ledger, seconds };
            if (action == "write")
            {
                command.Options.Add(count);
            }
            command.SetAction((result, _) => DurabilityCheck.RunAsync(new GatewayRun(result.GetValue(url)!, 0, result.GetValue(seconds), 0,
                action == "write" ? result.GetValue(count) : 0, result.GetValue(ledger), action)));
            check.Subcommands.Add(command);
        }
        return check;
    }

    public static Command Bench()
    {
        var quick = new Option<bool>("--quick") { Description = "the default: about 100 s" };
        var full = new Option<bool>("--full") { Description = "longer phases, 1,000,000 assets for memory" };
        var smoke = new Option<bool>("--smoke") { Description = "every phase for a second or two (CI)" };
        var silos = new Option<int[]>("--silos")
        {
            Description = "also ingest against clusters of these sizes, comma-separated (e.g. 1,2,3)",
            CustomParser = ParseSilos,
        };
        var memory = new Option<int?>("--memory") { Description = "measure the heap per asset over this many assets (1,000 to 10,000,000)" };
        memory.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is < 1_000 or > 10_000_000)
            {
                r.AddError($"--memory takes a number of assets from 1,000 to 10,000,000, not {n}");
            }
        });
        var output = new Option<string?>("--out") { Description = "write the report as JSON to this file" };
        var bench = new Command("bench", "The benchmark (docs/benchmarks.md); run it with -c Release. The targets are stated in the report, never turned into the exit code.")
        {
            quick, full, smoke, silos, memory, output,
        };
        bench.Validators.Add(r =>
        {
            if (new[] { quick, full, smoke }.Count(o => r.GetValue(o)) > 1)
            {
                r.AddError("bench takes one of --quick, --full, --smoke");
            }
        });
        bench.SetAction(async (result, _) =>
        {
            var profile = result.GetValue(full) ? BenchProfile.Full : result.GetValue(smoke) ? BenchProfile.Smoke : BenchProfile.Quick;
            if (result.GetValue(memory) is { } assets)
            {
                profile = profile with { MemoryAssets = assets };
            }
            var report = await BenchCommand.RunAsync(profile, Console.Out, result.GetValue(silos));
            Console.WriteLine(report.ToTable());
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, report.ToJson());
                Console.WriteLine($"written to {path}");
            }
            return 0;
        });
        return bench;
    }

    public static Command BenchHistory() => SizedBench("bench-history",
        "The history store's benchmark (issue #21, docs/benchmarks.md): ingest with and without PostgreSQL, ingest held at 50,000/s, "
        + "the store filled by COPY, query latency through the gateway. Run it with -c Release; the default is a quick run (5,000,000 readings).",
        "100,000,000 readings in the store, longer phases", "--readings", "fill the store with this many reading values", 1_000_000, 2_000_000_000,
        async (mode, size) =>
        {
            var profile = mode switch { "full" => HistoryBenchProfile.Full, "smoke" => HistoryBenchProfile.Smoke, _ => HistoryBenchProfile.Quick };
            var report = await HistoryBenchCommand.RunAsync(size is { } readings ? profile with { Readings = readings } : profile, Console.Out);
            return (report.ToTable(), report.ToJson());
        });

    public static Command BenchGeo() => SizedBench("bench-geo",
        "The place queries' benchmark (issue #22, docs/benchmarks.md): near and within-a-city latency under 50,000 updates/s, and the location "
        + "index's bytes per asset. Run it with -c Release; the default is a quick run (200,000 assets).",
        "1,000,000 assets, a minute of queries", "--assets", "assets registered beside the demo ones", 1_000, 2_000_000,
        async (mode, size) =>
        {
            var profile = mode switch { "full" => GeoBenchProfile.Full, "smoke" => GeoBenchProfile.Smoke, _ => GeoBenchProfile.Quick };
            var report = await GeoBenchCommand.RunAsync(size is { } assets ? profile with { Assets = (int)assets } : profile, Console.Out);
            return (report.ToTable(), report.ToJson());
        });

    public static Command BenchNgsi() => SizedBench("bench-ngsi",
        "The NGSI-LD API's benchmark (issue #23, docs/benchmarks.md): upsert?options=update of 500 entities per request against native telemetry, "
        + "and Query Entities by type and q and by near. Run it with -c Release; the default is a quick run (200,000 assets).",
        "1,000,000 assets, longer phases", "--assets", "assets registered beside the demo ones", 1_000, 2_000_000,
        async (mode, size) =>
        {
            var profile = mode switch { "full" => NgsiBenchProfile.Full, "smoke" => NgsiBenchProfile.Smoke, _ => NgsiBenchProfile.Quick };
            var report = await NgsiBenchCommand.RunAsync(size is { } assets ? profile with { Assets = (int)assets } : profile, Console.Out);
            return (report.ToTable(), report.ToJson());
        });

    /// <summary>
    /// A benchmark of one feature: a quick run by default, <c>--full</c>, or <c>--smoke</c> (seconds per phase, for the
    /// tests that keep it from rotting); one size to override; the report as a table and with <c>--out</c> as JSON.
    /// </summary>
    private static Command SizedBench(string name, string description, string fullDescription, string sizeName, string sizeDescription, long min, long max,
        Func<string, long?, Task<(string Table, string Json)>> run)
    {
        var full = new Option<bool>("--full") { Description = fullDescription };
        var smoke = new Option<bool>("--smoke") { Description = "the smallest run, seconds per phase: checks that the benchmark works, measures nothing worth keeping" };
        var size = new Option<long?>(sizeName) { Description = $"{sizeDescription} ({min:N0} to {max:N0})" };
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is { } n && (n < min || n > max))
            {
                r.AddError($"{sizeName} takes a number from {min:N0} to {max:N0}, not {n}");
            }
        });
        var output = new Option<string?>("--out") { Description = "write the report as JSON to this file" };
        var bench = new Command(name, description) { full, smoke, size, output };
        bench.Validators.Add(r =>
        {
            if (r.GetValue(full) && r.GetValue(smoke))
            {
                r.AddError("--full and --smoke exclude each other");
            }
        });
        bench.SetAction(async (result, _) =>
        {
            var mode = result.GetValue(full) ? "full" : result.GetValue(smoke) ? "smoke" : "quick";
            var (table, json) = await run(mode, result.GetValue(size));
            Console.WriteLine(table);
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, json);
                Console.WriteLine($"written to {path}");
            }
            return 0;
        });
        return bench;
    }

    public static Command Profile()
    {
        var pid = new Option<int>("--pid") { Description = "the process id of a running gateway or silo", Required = true };
        pid.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0)
            {
                r.AddError("--pid takes a process id above 0");
            }
        });
        var seconds = Between("--seconds", 10, 1, 600, "how long to record");
        var top = Between("--top", 30, 1, 1000, "how many methods to list");
        var alloc = new Option<bool>("--alloc") { Description = "where the allocations come from, instead of the CPU" };
        var output = new Option<string?>("--out") { Description = "where to keep the .nettrace (default: the temp folder)" };
        var profile = new Command("profile", "An EventPipe trace of a running gateway or silo (CPU samples, or allocations with --alloc), summed up.")
        {
            pid, seconds, top, alloc, output,
        };
        profile.SetAction((result, _) =>
        {
            var kind = result.GetValue(alloc) ? ProfileKind.Alloc : ProfileKind.Cpu;
            var process = result.GetValue(pid);
            return ProfileCommand.RunAsync(new ProfileOptions(process, TimeSpan.FromSeconds(result.GetValue(seconds)), kind, result.GetValue(top),
                result.GetValue(output) ?? Path.Combine(Path.GetTempPath(), $"urbantwin-{process}-{kind.ToString().ToLowerInvariant()}.nettrace")), Console.Out);
        });
        return profile;
    }

    public static Command MqttAuth()
    {
        var keys = new Option<string>("--keys") { Description = "the API keys' env file (Auth__Keys__N__Name, __Hash, __Role, __Scopes__M), as the gateways get it", Required = true };
        var secrets = new Option<string>("--secrets") { Description = "the keys themselves, one name=key per line (they become Mosquitto passwords)", Required = true };
        var output = new Option<string>("--out") { Description = "where to write passwords, acl (and gateway-password)", Required = true };
        var password = new Option<string?>("--gateway-password") { Description = "the gateways' password at the broker (default: a random one, written to gateway-password)" };
        var url = UrlOption();
        var command = new Command("mqtt-auth",
            "Writes Mosquitto's password and ACL files from the API keys: each key logs in with its name and key, and may publish what it may write " +
            "(scoped writers: their assets' topics, listed from the gateway at --url with URBANTWIN_API_KEY).")
        {
            keys, secrets, output, password, url,
        };
        command.SetAction((result, _) => UrbanTwin.Simulator.Mqtt.MqttAuthCommand.RunAsync(result.GetValue(keys)!, result.GetValue(secrets)!,
            result.GetValue(url)!, result.GetValue(output)!, result.GetValue(password)));
        return command;
    }

    /// <summary>An <c>mqtt://</c> address with a host, or null.</summary>
    private static Uri? BrokerUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == "mqtt" && !string.IsNullOrEmpty(uri.Host) ? uri : null;

    private static Option<string> UrlOption()
    {
        var url = new Option<string>("--url") { Description = "the gateway", DefaultValueFactory = _ => "http://localhost:8080" };
        url.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out _))
            {
                r.AddError($"--url must be an absolute URL, not '{r.GetValueOrDefault<string>()}'");
            }
        });
        return url;
    }

    private static Option<int> Positive(string name, int fallback, string description) => Between(name, fallback, 1, int.MaxValue, description);

    private static Option<int> Between(string name, int fallback, int min, int max, string description)
    {
        var option = new Option<int>(name) { Description = $"{description} (default {fallback})", DefaultValueFactory = _ => fallback };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                r.AddError(max == int.MaxValue ? $"{name} must be a whole number above {min - 1}, not {value}" : $"{name} takes {min} to {max}, not {value}");
            }
        });
        return option;
    }

    private static int[]? ParseSilos(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(",", result.Tokens.Select(t => t.Value));
        var counts = text.Split(',');
        if (counts.Any(c => !int.TryParse(c, out var n) || n is < 1 or > 9))
        {
            result.AddError($"--silos takes cluster sizes from 1 to 9, comma-separated (e.g. 1,2,3), not '{text}'");
            return null;
        }
        return [.. counts.Select(int.Parse)];
    }
}
