using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class GrainReferencesTests(ClusterFixture fixture)
{
    [Fact]
    public void A_reference_by_key_is_the_reference_Orleans_makes()
    {
        AssertSame(fixture.Client.GetGrain<IAssetGrain>("taiyuan-xiaodian-gas-1"), fixture.Client.ByKey<IAssetGrain>("taiyuan-xiaodian-gas-1"));
        AssertSame(fixture.Client.GetGrain<IDistrictGrain>("taiyuan-xiaodian"), fixture.Client.ByKey<IDistrictGrain>("taiyuan-xiaodian"));
        AssertSame(fixture.Client.GetGrain<IProvinceGrain>("shanxi"), fixture.Client.ByKey<IProvinceGrain>("shanxi"));
    }

    [Fact]
    public void Each_interface_keeps_its_own_types()
    {
        // Resolved once per interface: one key under two interfaces names two different grains.
        var district = fixture.Client.ByKey<IDistrictGrain>("taiyuan");
        var city = fixture.Client.ByKey<ICityGrain>("taiyuan");
        Assert.NotEqual(district.GetGrainId(), city.GetGrainId());
        Assert.NotEqual(Reference(district).InterfaceType, Reference(city).InterfaceType);
    }

    [Fact]
    public async Task A_reference_by_key_reaches_the_activation_Orleans_reference_reaches()
    {
        var ours = await fixture.Client.ByKey<ICityGrain>("datong").GetSummary();
        var theirs = await fixture.Client.GetGrain<ICityGrain>("datong").GetSummary();
        Assert.NotNull(ours);
        Assert.Equal(theirs!.Id, ours.Id);
        Assert.Equal(theirs.ChildCount, ours.ChildCount);
    }

    [Fact]
    public void An_empty_key_is_refused_as_Orleans_refuses_it()
    {
        Assert.Throws<ArgumentException>(() => fixture.Client.ByKey<IAssetGrain>(" "));
    }

    private static void AssertSame<TGrain>(TGrain expected, TGrain actual) where TGrain : IGrainWithStringKey
    {
        Assert.Equal(expected.GetGrainId(), actual.GetGrainId());
        Assert.Equal(Reference(expected).InterfaceType, Reference(actual).InterfaceType);
        Assert.Equal(expected.GetType(), actual.GetType());
    }

    private static GrainReference Reference(IAddressable grain) => (GrainReference)grain;
}
