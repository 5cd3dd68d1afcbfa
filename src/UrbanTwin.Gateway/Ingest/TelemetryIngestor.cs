using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Observability;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Access;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;

namespace UrbanTwin.Gateway.Ingest;

public sealed record IngestRejection(int Index, string? AssetId, string Reason, string Detail);

public sealed record IngestResponse(int Accepted, IngestRejection[] Rejected)
{
    /// <summary>Items that were not acknowledged because the cluster or its storage did not answer: retry them.</summary>
    public int Unavailable => Rejected.Count(r => r.Reason == RejectionReasons.Unavailable);
}

/// <summary>
/// Delivers a parsed batch: items are grouped per asset (in batch order) and each asset gets one grain call
/// with all its readings, up to <see cref="IngestOptions.MaxDeliveriesInFlight"/> assets at a time (all at once for
/// durable acknowledgements). The answer has one entry for every refused item.
/// </summary>
public sealed class TelemetryIngestor(IGrainFactory grains, IOptions<IngestOptions> options, GatewayMetrics metrics, ILogger<TelemetryIngestor> logger)
{
    /// <param name="kinds">The kind each asset must be of, by asset id (NGSI-LD names an asset with its type); null: any.</param>
    public async Task<IngestResponse> IngestAsync(IReadOnlyList<ParsedItem> items, Ack ack = Ack.Accepted, WriteScope? scope = null,
        IReadOnlyDictionary<string, string>? kinds = null)
    {
        var outcomes = new ReadingOutcome[items.Count];
        // Each asset's items are chained in batch order (next[i]: the asset's item after i, or -1). Most assets have
        // one item per batch, so a list per asset would be an allocation per reading.
        var chains = new Dictionary<string, Chain>(items.Count, StringComparer.Ordinal);
        var next = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            outcomes[i] = items[i].Outcome;
            next[i] = -1;
            if (items[i].Reading is not null)
            {
                ref var chain = ref CollectionsMarshal.GetValueRefOrAddDefault(chains, items[i].AssetId!, out var exists);
                if (exists)
                {
                    next[chain.Last] = i;
                    chain = chain with { Last = i, Count = chain.Count + 1 };
                }
                else
                {
                    chain = new Chain(i, i, 1);
                }
            }
        }

        // Durable deliveries all start at once: each waits on Redis, not on the cores, and the more wait together the
        // more writes share a group-commit round trip (bounded to 32, one request of 500 got 4 writes per round trip).
        var unreachable = 0;
        Exception? firstFailure = null;
        var timeout = options.Value.DeliveryTimeout;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ack == Ack.Durable ? Math.Max(1, chains.Count) : options.Value.MaxDeliveriesInFlight };
        await Parallel.ForEachAsync(chains, parallel, async (asset, _) =>
        {
            var readings = new Reading[asset.Value.Count];
            for (int i = asset.Value.First, k = 0; i >= 0; i = next[i])
            {
                readings[k++] = items[i].Reading!;
            }
            try
            {
                var results = await grains.ByKey<IAssetGrain>(asset.Key).Apply(readings, ack, scope, kinds?.GetValueOrDefault(asset.Key)).WaitAsync(timeout);
                for (int i = asset.Value.First, k = 0; i >= 0; i = next[i])
                {
                    outcomes[i] = results[k++];
                }
            }
            catch (Exception ex)
            {
                // Whatever went wrong in the cluster (a silo died mid-call, a placement or directory lookup was cancelled
                // there, the delivery timed out), this request was not cancelled: it takes no token.
                // Not acknowledged: the client may retry these items (a redelivered latest reading is accepted again).
                Interlocked.Increment(ref unreachable);
                Interlocked.CompareExchange(ref firstFailure, ex, null);
                for (var i = asset.Value.First; i >= 0; i = next[i])
                {
                    outcomes[i] = ReadingOutcome.Reject(RejectionReasons.Unavailable, "the asset could not be reached; retry the item");
                }
            }
        });

        if (firstFailure is not null)
        {
            // One line per request, not one per asset: a silo's crash would otherwise log a line for each of hundreds.
            logger.LogWarning(firstFailure, "{Count} of {Assets} assets of a telemetry request could not be reached; their items answered unavailable",
                unreachable, chains.Count);
        }
        var rejected = new List<IngestRejection>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (!outcomes[i].IsAccepted)
            {
                rejected.Add(new IngestRejection(items[i].Index, items[i].AssetId, outcomes[i].Reason!, outcomes[i].Detail!));
            }
        }
        Count(items.Count, rejected);
        return new IngestResponse(items.Count - rejected.Count, [.. rejected]);
    }

    /// <summary>One asset's items in a batch: the first, the last and how many.</summary>
    private readonly record struct Chain(int First, int Last, int Count);

    private void Count(int items, List<IngestRejection> rejected)
    {
        metrics.IngestBatchSize.Record(items);
        metrics.CountTelemetry(items - rejected.Count, "accepted");
        foreach (var byReason in rejected.GroupBy(r => r.Reason))
        {
            metrics.CountTelemetry(byReason.Count(), "rejected", byReason.Key);
        }
    }
}
