namespace UrbanTwin.Gateway.Reads;

/// <summary>
/// How fresh an answer built from one or more reads is: stale when any of them was, as of the oldest of them. A stale
/// answer carries the HTTP <c>Age</c> header (RFC 9111: seconds since the gateway last heard from the grain).
/// </summary>
public readonly record struct Freshness(bool Stale, DateTimeOffset AsOf)
{
    public static Freshness Of<T>(ReadResult<T> read) => new(read.Stale, read.AsOf);

    public Freshness And<T>(ReadResult<T> read) => new(Stale || read.Stale, read.AsOf < AsOf ? read.AsOf : AsOf);

    public static Freshness Of<T>(IReadOnlyCollection<ReadResult<T>> reads, DateTimeOffset now) =>
        reads.Aggregate(new Freshness(false, now), (all, read) => all.And(read));

    /// <summary>What a stale answer shows as <c>asOf</c>; a fresh one shows none (it is as of now).</summary>
    public DateTimeOffset? StaleAsOf => Stale ? AsOf : null;

    /// <summary>Sets <c>Age</c> on a stale answer; returns this, for use inline.</summary>
    public Freshness Describe(HttpContext context, TimeProvider clock)
    {
        if (Stale)
        {
            var age = Math.Max(0, (long)(clock.GetUtcNow() - AsOf).TotalSeconds);
            context.Response.Headers.Age = age.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return this;
    }
}
