using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Simulator.Checks;

/// <summary>
/// The durability check an operator can run by hand against a cluster (docs/operations.md): write N durable
/// updates and keep the ledger of what was acknowledged; crash or restart whatever you like; verify that every
/// acknowledged value reads back unchanged.
/// </summary>
internal static class DurabilityCheck
{
    public static async Task<int> RunAsync(GatewayRun options)
    {
        using var http = GatewayClient.Create(options.Url, TimeSpan.FromSeconds(60));
        if (await GatewayClient.AccessProblemAsync(http) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        var ledgerPath = options.Ledger!;
        if (options.Action == "write")
        {
            var assets = AssetPlan.For(ReferenceTopology.Load()).Take(options.Count).ToArray();
            var writer = new TelemetryWriter(http, assets, "durable", seed: Environment.TickCount);
            while (writer.AcknowledgedItems < options.Count && writer.Failures.Count == 0)
            {
                await writer.SendBatchAsync(Math.Min(500, options.Count - writer.AcknowledgedItems));
            }
            await writer.DrainAsync(TimeSpan.FromSeconds(options.Seconds));
            await writer.SaveLedgerAsync(ledgerPath);
            Console.WriteLine($"{writer.AcknowledgedItems} durable updates acknowledged for {writer.Acknowledged.Count} assets " +
                $"({writer.RetryableRefusals} retryable refusals retried); ledger: {ledgerPath}");
            foreach (var failure in writer.Failures)
            {
                Console.Error.WriteLine(failure);
            }
            return writer.Failures.Count == 0 ? 0 : 1;
        }

        var ledger = await TelemetryWriter.LoadLedgerAsync(ledgerPath);
        var mismatches = await TelemetryWriter.ReadBackMismatchesAsync(http, ledger, TimeSpan.FromSeconds(options.Seconds));
        foreach (var mismatch in mismatches.Take(20))
        {
            Console.Error.WriteLine(mismatch);
        }
        Console.WriteLine($"{ledger.Length - mismatches.Count} of {ledger.Length} acknowledged values read back unchanged");
        return mismatches.Count == 0 && ledger.Length > 0 ? 0 : 1;
    }
}
