using System.Globalization;

namespace UrbanTwin.EventLog;

/// <summary>A Redis stream entry id, <c>{ms}-{seq}</c>, ordered as Redis orders them.</summary>
public readonly record struct StreamId(long Ms, long Seq) : IComparable<StreamId>
{
    public static StreamId Parse(string id)
    {
        var dash = id.IndexOf('-');
        return dash < 0
            ? new StreamId(long.Parse(id, CultureInfo.InvariantCulture), 0)
            : new StreamId(long.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    public int CompareTo(StreamId other) => (Ms, Seq).CompareTo((other.Ms, other.Seq));

    public static StreamId Min(StreamId a, StreamId b) => a.CompareTo(b) <= 0 ? a : b;

    public override string ToString() => $"{Ms}-{Seq}";
}
