using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Geo;

/// <summary>What registration does with an asset that lies outside its district's boundary.</summary>
public enum OutsideDistrict
{
    /// <summary>Refused with <c>outside-district</c>: place searches route by district boundaries and would not find it.</summary>
    Refuse,

    /// <summary>Registered, with a warning in the answer; place searches may miss it.</summary>
    Warn,
}

/// <summary>Place checks: <c>Geo:*</c>.</summary>
public sealed class GeoOptions
{
    public const string Section = "Geo";

    /// <summary>An asset farther than <see cref="DistrictToleranceM"/> outside its district's boundary is refused or registered with a warning.</summary>
    public OutsideDistrict OutsideDistrict { get; set; } = OutsideDistrict.Refuse;

    /// <summary>
    /// How far outside its district's polygon an asset may lie, in metres: the reference polygons are schematic (about 100 m
    /// resolution) and integrators' coordinates may be WGS-84 where the polygons are GCJ-02 (a few hundred metres apart).
    /// At most the place searches' routing margin (about 5 km), so that every asset registered is found.
    /// </summary>
    public int DistrictToleranceM { get; set; } = 2_000;
}

public sealed class GeoRules : SettingsRules<GeoOptions>
{
    protected override string Section => GeoOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(GeoOptions o) =>
    [
        (Enum.IsDefined(o.OutsideDistrict), nameof(o.OutsideDistrict), "must be Refuse or Warn"),
        Between(o.DistrictToleranceM, 0, 5_000, nameof(o.DistrictToleranceM)),
    ];
}
