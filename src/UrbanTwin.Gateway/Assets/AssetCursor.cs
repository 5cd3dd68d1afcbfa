using System.Buffers.Text;
using System.Text;

namespace UrbanTwin.Gateway.Assets;

/// <summary>
/// Where an asset search continues: the district it stopped in and the last asset id it returned. Districts and
/// their assets are both walked in id order, so pages are stable while assets come and go.
/// </summary>
public sealed record AssetCursor(string DistrictId, string AfterId)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{DistrictId}\n{AfterId}"));

    public static bool TryDecode(string text, out AssetCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('\n');
            if (parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
            {
                cursor = new AssetCursor(parts[0], parts[1]);
            }
        }
        catch (FormatException)
        {
        }
        return cursor is not null;
    }
}
