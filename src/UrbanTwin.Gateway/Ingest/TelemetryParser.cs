using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Ingest;

/// <summary>One item of a batch after the stateless checks: a reading for an asset, or the reason it was refused.</summary>
public readonly record struct ParsedItem(int Index, string? AssetId, Reading? Reading, ReadingOutcome Outcome);

/// <summary>Why a whole batch was refused (answer 400 or 413), as opposed to one of its items.</summary>
public sealed record BatchError(int StatusCode, string Field, string Message);

/// <summary>
/// What an item may leave out because its channel says it (MQTT): the asset, named by the topic (an item naming
/// another is refused), and the time, when the gateway received the message (for devices without a clock).
/// </summary>
public readonly record struct ItemDefaults(string? AssetId, DateTimeOffset? Ts);

/// <summary>
/// Parses a telemetry batch, a JSON array or NDJSON, into items. Checks everything that needs no asset state:
/// shape, ids, RFC 3339 timestamps with an offset, timestamps too far ahead, finite numbers, duplicate keys.
/// A bad item is refused on its own and never affects the others.
/// </summary>
public static partial class TelemetryParser
{
    /// <summary>The largest <c>seq</c>: 2^53 - 1, the largest integer every JSON client (JavaScript's numbers) holds exactly.</summary>
    public const long MaxSeq = (1L << 53) - 1;

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    public static (List<ParsedItem> Items, BatchError? Error) Parse(ReadOnlyMemory<byte> body, bool ndjson, IngestOptions limits, DateTimeOffset now)
    {
        var span = body.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty)
        {
            return ([], new BatchError(400, "body", "the batch is empty"));
        }
        return ndjson || span[0] == (byte)'{' ? ParseLines(body, limits, now, default) : ParseArray(body, limits, now, default);
    }

    /// <summary>
    /// A message (MQTT): a JSON array, one object (over any number of lines) or NDJSON, whose items may leave out
    /// what <paramref name="defaults"/> gives.
    /// </summary>
    public static (List<ParsedItem> Items, BatchError? Error) ParseMessage(ReadOnlyMemory<byte> body, IngestOptions limits, DateTimeOffset now, ItemDefaults defaults)
    {
        var span = body.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty)
        {
            return ([], new BatchError(400, "payload", "the message is empty"));
        }
        if (span[0] != (byte)'{')
        {
            return ParseArray(body, limits, now, defaults);
        }
        if (!Utf8.IsValid(body.Span))
        {
            return ([], new BatchError(400, "payload", "not valid UTF-8"));
        }
        try
        {
            using var single = JsonDocument.Parse(body, DocumentOptions(limits));
            return ([ParseItem(0, single.RootElement, limits, now, defaults)], null);
        }
        catch (JsonException ex) when (span.TrimEnd(" \t\r\n"u8).IndexOf((byte)'\n') < 0)
        {
            return ([], new BatchError(400, "payload", $"malformed JSON (byte {ex.BytePositionInLine + 1})")); // one line: not NDJSON either
        }
        catch (JsonException)
        {
            return ParseLines(body, limits, now, defaults); // several lines: NDJSON (a malformed line is refused on its own)
        }
    }

    private static (List<ParsedItem>, BatchError?) ParseArray(ReadOnlyMemory<byte> body, IngestOptions limits, DateTimeOffset now, ItemDefaults defaults)
    {
        // The JSON reader checks UTF-8 only when a string is read: check it all first, so no item fails half-read.
        if (!Utf8.IsValid(body.Span))
        {
            return ([], new BatchError(400, "body", "not valid UTF-8"));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions(limits));
        }
        catch (JsonException ex)
        {
            return ([], new BatchError(400, "body", $"malformed JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ([], new BatchError(400, "body", "must be a JSON array of readings, or NDJSON"));
            }
            var count = document.RootElement.GetArrayLength();
            if (count == 0)
            {
                return ([], new BatchError(400, "body", "the batch is empty"));
            }
            if (count > limits.MaxItemsPerBatch)
            {
                return ([], new BatchError(413, "body", $"{count} items in one batch; the limit is {limits.MaxItemsPerBatch}"));
            }
            var items = new List<ParsedItem>(count);
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                items.Add(ParseItem(index++, element, limits, now, defaults));
            }
            return (items, null);
        }
    }

    private static (List<ParsedItem>, BatchError?) ParseLines(ReadOnlyMemory<byte> body, IngestOptions limits, DateTimeOffset now, ItemDefaults defaults)
    {
        var items = new List<ParsedItem>();
        var rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }
            if (items.Count == limits.MaxItemsPerBatch)
            {
                return ([], new BatchError(413, "body", $"more than {limits.MaxItemsPerBatch} items in one batch"));
            }
            if (!Utf8.IsValid(line.Span))
            {
                items.Add(Reject(items.Count, null, RejectionReasons.MalformedItem, "line is not valid UTF-8"));
                continue;
            }
            if (line.Length > limits.MaxLineBytes)
            {
                items.Add(Reject(items.Count, null, RejectionReasons.MalformedItem, $"line is longer than {limits.MaxLineBytes} bytes"));
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line, DocumentOptions(limits));
                items.Add(ParseItem(items.Count, document.RootElement, limits, now, defaults));
            }
            catch (JsonException ex)
            {
                items.Add(Reject(items.Count, null, RejectionReasons.MalformedItem, $"line is not valid JSON (byte {ex.BytePositionInLine + 1})"));
            }
        }
        return items.Count == 0 ? ([], new BatchError(400, "body", "the batch is empty")) : (items, null);
    }

    // Duplicates are allowed by the reader and found per item, so one item with a duplicate does not sink the batch.
    private static JsonDocumentOptions DocumentOptions(IngestOptions limits) =>
        new() { MaxDepth = limits.MaxJsonDepth, AllowDuplicateProperties = true };

    public static ParsedItem ParseItem(int index, JsonElement item, IngestOptions limits, DateTimeOffset now, ItemDefaults defaults = default)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Reject(index, null, RejectionReasons.MalformedItem, "an item must be an object");
        }
        // Names are compared as UTF-8, not read into strings: this runs for every reading of every batch.
        JsonElement? assetId = null, ts = null, seq = null, metrics = null;
        foreach (var property in item.EnumerateObject())
        {
            ref var slot = ref Slot(property, ref assetId, ref ts, ref seq, ref metrics, out var known);
            if (!known)
            {
                // A misspelt "seq" must not turn into a reading without one (and so without duplicate detection).
                return Reject(index, null, RejectionReasons.MalformedItem, $"unknown property '{Truncate(property.Name)}' (known: assetId, ts, seq, metrics)");
            }
            if (slot is not null)
            {
                return Reject(index, null, RejectionReasons.MalformedItem, $"property '{property.Name}' appears twice");
            }
            slot = property.Value;
        }

        string id;
        if (assetId is null && defaults.AssetId is { } named)
        {
            id = named;
        }
        else if (assetId is not { ValueKind: JsonValueKind.String } idElement)
        {
            return Reject(index, defaults.AssetId, RejectionReasons.MalformedItem, "assetId is required and must be a string");
        }
        else
        {
            id = idElement.GetString()!;
            if (defaults.AssetId is { } topic && id != topic)
            {
                return Reject(index, topic, RejectionReasons.InvalidAssetId, $"assetId '{Truncate(id)}' is not the asset the topic names");
            }
        }
        if (!Identifiers.IsValidAssetId(id))
        {
            return Reject(index, Truncate(id), RejectionReasons.InvalidAssetId, "assetId must be " + Identifiers.Describe(Identifiers.MaxAssetIdLength));
        }

        DateTimeOffset timestamp;
        var timedByGateway = ts is null && defaults.Ts is not null;
        if (ts is null && defaults.Ts is { } received)
        {
            timestamp = received;
        }
        else if (ts is not { ValueKind: JsonValueKind.String } tsElement)
        {
            return Reject(index, id, RejectionReasons.InvalidTimestamp, "ts is required: an RFC 3339 string with an offset, e.g. 2026-11-23T08:00:00Z");
        }
        else
        {
            var tsText = tsElement.GetString()!;
            if (!Rfc3339().IsMatch(tsText) || !DateTimeOffset.TryParse(tsText, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp))
            {
                return Reject(index, id, RejectionReasons.InvalidTimestamp, $"ts '{Truncate(tsText)}' is not an RFC 3339 timestamp with an offset");
            }
        }
        if (timestamp > now.AddSeconds(limits.MaxFutureSkewSeconds))
        {
            return Reject(index, id, RejectionReasons.FutureTimestamp, $"ts {timestamp:O} is more than {limits.MaxFutureSkewSeconds} s ahead of the server clock");
        }

        long? sequence = null;
        if (seq is { } seqElement && seqElement.ValueKind != JsonValueKind.Null)
        {
            if (seqElement.ValueKind != JsonValueKind.Number || !seqElement.TryGetInt64(out var s) || s is < 0 or > MaxSeq)
            {
                return Reject(index, id, RejectionReasons.InvalidSeq, $"seq must be an integer from 0 to {MaxSeq} (2^53 - 1)");
            }
            sequence = s;
        }

        if (metrics is not { ValueKind: JsonValueKind.Object } metricsElement)
        {
            return Reject(index, id, RejectionReasons.MalformedItem, "metrics is required and must be an object of name: number");
        }
        var count = metricsElement.GetPropertyCount();
        if (count > limits.MaxMetricsPerItem)
        {
            return Reject(index, id, RejectionReasons.MalformedItem, $"more than {limits.MaxMetricsPerItem} metrics in one item");
        }
        var samples = new MetricSample[count];
        var filled = 0;
        foreach (var metric in metricsElement.EnumerateObject())
        {
            var name = MetricNames.Of(metric);
            for (var k = 0; k < filled; k++)
            {
                if (samples[k].Metric == name)
                {
                    return Reject(index, id, RejectionReasons.MalformedItem, $"metric '{Truncate(name)}' appears twice");
                }
            }
            if (metric.Value.ValueKind != JsonValueKind.Number)
            {
                return Reject(index, id, RejectionReasons.InvalidValue, $"{Truncate(metric.Name)} must be a number, not {metric.Value.ValueKind.ToString().ToLowerInvariant()}");
            }
            if (!metric.Value.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                return Reject(index, id, RejectionReasons.InvalidValue, $"{Truncate(metric.Name)} is not a finite number");
            }
            samples[filled++] = new MetricSample(name, value);
        }
        if (count == 0)
        {
            return Reject(index, id, RejectionReasons.NoMetrics, "metrics is empty");
        }
        return new ParsedItem(index, id, new Reading(timestamp, sequence, samples, timedByGateway), ReadingOutcome.Accepted);
    }

    /// <summary>Where a property of an item goes: one of the four known ones (<paramref name="known"/>), else nowhere.</summary>
    private static ref JsonElement? Slot(JsonProperty property, ref JsonElement? assetId, ref JsonElement? ts, ref JsonElement? seq,
        ref JsonElement? metrics, out bool known)
    {
        known = true;
        if (property.NameEquals("assetId"u8))
        {
            return ref assetId;
        }
        if (property.NameEquals("ts"u8))
        {
            return ref ts;
        }
        if (property.NameEquals("seq"u8))
        {
            return ref seq;
        }
        known = property.NameEquals("metrics"u8);
        return ref metrics;
    }

    private static ParsedItem Reject(int index, string? assetId, string reason, string detail) =>
        new(index, assetId, null, ReadingOutcome.Reject(reason, detail));

    /// <summary>Echoes of client input in answers are kept short.</summary>
    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
