using UrbanTwin.Simulator;
using UrbanTwin.Simulator.Checks;

// Usage:
//   feed  [--url http://localhost:8080] [--rate 1000] [--seconds 30] [--batch 200]
//         Posts readings for the reference Shanxi assets as real HTTP batches at a fixed rate; reports what was accepted.
//   check write  --ledger FILE [--count 2000] [--url URL]   durable updates, each retried until acknowledged; saves them
//   check verify --ledger FILE [--seconds 120] [--url URL]  reads every one back; exit 0 only if all are unchanged
const string Usage = """
    usage: UrbanTwin.Simulator feed [--url URL] [--rate READINGS_PER_SECOND] [--seconds N] [--batch N]
           UrbanTwin.Simulator check write --ledger FILE [--count N] [--url URL]
           UrbanTwin.Simulator check verify --ledger FILE [--seconds N] [--url URL]
    """;
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
