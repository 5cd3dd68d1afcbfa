using System.Text;

namespace UrbanTwin.Simulator.Live;

/// <summary>
/// The server-sent-events format, line by line: <c>event:</c>, <c>data:</c> and <c>id:</c> fields gathered until the
/// blank line that ends an event. Comment lines (<c>:</c>) and unknown fields are skipped, as EventSource does. Shared
/// by the async <see cref="SseReader"/> and the benchmark's blocking stream client.
/// </summary>
public sealed class SseLines
{
    private readonly StringBuilder _data = new();
    private string? _event;

    /// <summary>The id of the latest event that carried one: what a reconnecting client sends as Last-Event-ID.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Takes the next line; returns the event it completes (name and data), or null when none ends here.</summary>
    public (string Name, string Data)? Take(string line)
    {
        if (line.Length == 0)
        {
            if (_event is null && _data.Length == 0)
            {
                return null;
            }
            var completed = (_event ?? "message", _data.ToString());
            _event = null;
            _data.Clear();
            return completed;
        }
        if (line.StartsWith("event: ", StringComparison.Ordinal))
        {
            _event = line["event: ".Length..];
        }
        else if (line.StartsWith("id: ", StringComparison.Ordinal))
        {
            LastEventId = line["id: ".Length..];
        }
        else if (line.StartsWith("data: ", StringComparison.Ordinal))
        {
            _data.Append(line["data: ".Length..]);
        }
        return null;
    }
}
