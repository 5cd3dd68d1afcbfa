using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Demo;
using UrbanTwin.ServiceDefaults;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Simulation;

/// <summary>
/// The built-in feed that makes a fresh embedded instance look alive: readings for every generated asset in turn,
/// incidents that push an asset into warning or alarm for a minute or two and then clear, and a few assets that go
/// silent for ten minutes at a time (so offline shows too). It goes through the same ingest path as HTTP batches.
/// </summary>
public sealed class TelemetryFeed(TelemetryIngestor ingestor, SeedingState seeding, IOptions<SimulationOptions> options,
    TimeProvider clock, ILogger<TelemetryFeed> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SilenceWindow = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, (AlarmLevel Level, DateTimeOffset Until)> _incidents = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        await seeding.WhenDone.WaitAsync(stoppingToken);
        var assets = AssetPlan.For(ReferenceTopology.Load()).ToArray();
        var random = new Random(settings.Seed);
        var perTick = Math.Max(1, (int)(settings.ReadingsPerSecond * Tick.TotalSeconds));
        var next = 0;
        logger.LogDebug("Telemetry feed: {Rate} readings/s over {Assets} generated assets", settings.ReadingsPerSecond, assets.Length);

        using var timer = new PeriodicTimer(Tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            StartIncidents(assets, random, now, settings);
            var items = new List<ParsedItem>(perTick);
            for (var i = 0; i < perTick; i++, next = (next + 1) % assets.Length)
            {
                var asset = assets[next];
                if (IsSilent(asset.Id, now))
                {
                    continue;
                }
                var incident = _incidents.TryGetValue(asset.Id, out var inc) && inc.Until > now ? inc.Level : AlarmLevel.None;
                var reading = new Reading(now, null, ReadingGenerator.Generate(asset.Kind, random, incident));
                items.Add(new ParsedItem(items.Count, asset.Id, reading, ReadingOutcome.Accepted));
            }
            try
            {
                await ingestor.IngestAsync(items);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The telemetry feed could not deliver a batch");
            }
        }
    }

    private void StartIncidents(AssetDefinition[] assets, Random random, DateTimeOffset now, SimulationOptions settings)
    {
        foreach (var ended in _incidents.Where(i => i.Value.Until <= now).Select(i => i.Key).ToList())
        {
            _incidents.Remove(ended);
        }
        if (random.NextDouble() < Tick.TotalSeconds / settings.IncidentEverySeconds)
        {
            var asset = assets[random.Next(assets.Length)];
            if (ReadingGenerator.CanHaveIncident(asset.Kind))
            {
                var level = random.NextDouble() < 0.5 ? AlarmLevel.Warning : AlarmLevel.Alarm;
                _incidents[asset.Id] = (level, now.AddSeconds(random.Next(45, 150)));
            }
        }
    }

    /// <summary>About 1 asset in 80 is silent during any ten-minute window, long enough to be counted offline.</summary>
    private static bool IsSilent(string assetId, DateTimeOffset now) =>
        (DeterministicHash.Of(assetId) + (uint)(now.ToUnixTimeMilliseconds() / (long)SilenceWindow.TotalMilliseconds)) % 80 == 0;
}
