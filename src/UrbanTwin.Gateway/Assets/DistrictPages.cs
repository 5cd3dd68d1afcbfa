using UrbanTwin.Contracts.Assets;
using UrbanTwin.Gateway.Reads;

namespace UrbanTwin.Gateway.Assets;

/// <summary>
/// The paging every asset search by district shares: districts in the order given, each one's assets in id order; a
/// page takes what the districts answer until it is full, and its cursor is the district it stopped in and the last id
/// (<see cref="AssetCursor"/>), so pages stay stable while assets come and go.
/// </summary>
public static class DistrictPages
{
    /// <param name="read">One district's next assets: after an id (null from its first) and at most this many.</param>
    public static async Task<AssetSearchPage> ReadAsync(IReadOnlyList<string> districts, string? cursor, int limit, TimeProvider clock,
        Func<string, string?, int, Task<ReadResult<AssetPage>>> read)
    {
        var start = 0;
        string? afterId = null;
        if (cursor is not null)
        {
            if (!AssetCursor.TryDecode(cursor, out var position) || (start = IndexOf(districts, position!.DistrictId)) < 0)
            {
                return AssetSearchPage.BadCursor;
            }
            afterId = position.AfterId;
        }
        var items = new List<AssetListItemView>(limit);
        var freshness = new Freshness(false, clock.GetUtcNow());
        for (var i = start; i < districts.Count; i++)
        {
            var answer = await read(districts[i], i == start ? afterId : null, limit - items.Count);
            freshness = freshness.And(answer);
            items.AddRange(answer.Value.Items.Select(AssetListItemView.From));
            if (items.Count == limit)
            {
                var more = answer.Value.HasMore || i + 1 < districts.Count;
                return new AssetSearchPage([.. items], more ? new AssetCursor(districts[i], items[^1].Id).Encode() : null, freshness);
            }
        }
        return new AssetSearchPage([.. items], null, freshness);
    }

    private static int IndexOf(IReadOnlyList<string> districts, string id)
    {
        for (var i = 0; i < districts.Count; i++)
        {
            if (districts[i] == id)
            {
                return i;
            }
        }
        return -1;
    }
}
