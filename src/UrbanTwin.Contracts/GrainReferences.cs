namespace UrbanTwin.Contracts;

/// <summary>
/// Grain references by string key, with the grain type and the interface type resolved once per interface.
/// </summary>
/// <remarks>
/// Orleans' <c>GetGrain&lt;T&gt;(key)</c> resolves T's grain interface type on every call: it reads T's custom
/// attributes and formats its type name (<c>GrainInterfaceTypeResolver</c> keeps no cache). The ingest path takes one
/// reference per asset of every batch, and that resolution was 11 % of the gateway's busy CPU in a profile. The
/// reference made here is the same as Orleans' own: same grain id, same interface type, same proxy class.
/// </remarks>
public static class GrainReferences
{
    public static TGrain ByKey<TGrain>(this IGrainFactory grains, string key) where TGrain : IGrainWithStringKey
    {
        var types = Resolved<TGrain>.Types ??= Resolved<TGrain>.Resolve(grains);
        return (TGrain)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    /// <summary>A reference to the grain <paramref name="id"/> through the interface <typeparamref name="TGrain"/>, resolved once per interface.</summary>
    public static TGrain ById<TGrain>(this IGrainFactory grains, GrainId id) where TGrain : IAddressable
    {
        var type = InterfaceOf<TGrain>.Type ??= ((GrainReference)(object)grains.GetGrain<TGrain>(id)).InterfaceType;
        return (TGrain)grains.GetGrain(id, type);
    }

    private static class InterfaceOf<TGrain>
    {
        public static GrainInterfaceType? Type;
    }

    /// <summary>Which grain class serves an interface depends on the loaded assemblies only, so one answer serves every client and silo of the process.</summary>
    private static class Resolved<TGrain> where TGrain : IGrainWithStringKey
    {
        public static GrainTypes? Types;

        public static GrainTypes Resolve(IGrainFactory grains)
        {
            var sample = (GrainReference)(object)grains.GetGrain<TGrain>("-");
            return new GrainTypes(sample.GrainId.Type, sample.InterfaceType);
        }
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);
}
