using System.Buffers.Binary;
using System.Text;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.EventLog.Readings;

/// <summary>Whose values a history row holds: an asset's reading, or a node's aggregates over one minute.</summary>
public enum HistoryRowKind : byte
{
    Asset = 1,
    Node = 2,
}

/// <summary>One value of a history row: an asset's metric at a reading's time, or a node's series over a minute.</summary>
public readonly record struct HistoryValue(HistoryRowKind Kind, string Subject, DateTimeOffset Ts, string Name, double Value);

/// <summary>
/// History rows on their way to the history store, in the compact binary form they travel in through the log: per
/// row a kind byte, the subject (asset or node id), the time in microseconds since the Unix epoch (PostgreSQL's
/// resolution), and the values by name. A grain collects the rows of what it accepted and hands them to its storage
/// write, so they are in the log exactly when the state that holds them is stored. About 60 bytes per reading of two
/// metrics.
/// </summary>
public sealed class HistoryRows
{
    private byte[] _bytes = new byte[128];
    private int _length;

    /// <summary>Rows added.</summary>
    public int Count { get; private set; }

    public ReadOnlyMemory<byte> Bytes => _bytes.AsMemory(0, _length);

    public void Add(HistoryRowKind kind, string subject, DateTimeOffset ts, IReadOnlyList<MetricSample> values)
    {
        Header(kind, subject, ts, values.Count);
        foreach (var value in values)
        {
            Value(value.Metric, value.Value);
        }
        Count++;
    }

    public void Add(HistoryRowKind kind, string subject, DateTimeOffset ts, IReadOnlyDictionary<string, double> values)
    {
        Header(kind, subject, ts, values.Count);
        foreach (var (name, value) in values)
        {
            Value(name, value);
        }
        Count++;
    }

    /// <summary>Another grain write's rows go after these (a snapshot replaced by a newer one before it was sent).</summary>
    public void Append(HistoryRows later)
    {
        Ensure(later._length);
        later._bytes.AsSpan(0, later._length).CopyTo(_bytes.AsSpan(_length));
        _length += later._length;
        Count += later.Count;
    }

    /// <summary>Reads back rows written by <see cref="Add(HistoryRowKind,string,DateTimeOffset,IReadOnlyList{MetricSample})"/>, one value at a time.</summary>
    /// <exception cref="FormatException">The bytes are not rows of this form.</exception>
    public static List<HistoryValue> Decode(ReadOnlySpan<byte> bytes)
    {
        var values = new List<HistoryValue>();
        var at = 0;
        while (at < bytes.Length)
        {
            var kind = (HistoryRowKind)bytes[at++];
            if (kind is not (HistoryRowKind.Asset or HistoryRowKind.Node))
            {
                throw new FormatException($"Unknown history row kind {(byte)kind}.");
            }
            var subject = ReadString(bytes, ref at);
            var micros = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
            at += 8;
            var ts = DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
            int count = bytes[at++];
            for (var i = 0; i < count; i++)
            {
                var name = ReadString(bytes, ref at);
                values.Add(new HistoryValue(kind, subject, ts, name, BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..])));
                at += 8;
            }
        }
        return values;
    }

    private void Header(HistoryRowKind kind, string subject, DateTimeOffset ts, int count)
    {
        if (count > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A history row holds at most 255 values.");
        }
        Ensure(1 + 1 + subject.Length * 3 + 8 + 1);
        _bytes[_length++] = (byte)kind;
        WriteString(subject);
        BinaryPrimitives.WriteInt64LittleEndian(_bytes.AsSpan(_length), (ts.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        _length += 8;
        _bytes[_length++] = (byte)count;
    }

    private void Value(string name, double value)
    {
        Ensure(1 + name.Length * 3 + 8);
        WriteString(name);
        BinaryPrimitives.WriteDoubleLittleEndian(_bytes.AsSpan(_length), value);
        _length += 8;
    }

    private void WriteString(string text)
    {
        var length = Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_length + 1));
        if (length > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(text), "A name in a history row is at most 255 bytes of UTF-8.");
        }
        _bytes[_length] = (byte)length;
        _length += 1 + length;
    }

    private static string ReadString(ReadOnlySpan<byte> bytes, ref int at)
    {
        int length = bytes[at++];
        var text = Encoding.UTF8.GetString(bytes.Slice(at, length));
        at += length;
        return text;
    }

    private void Ensure(int more)
    {
        if (_length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
        }
    }
}
