namespace UrbanTwin.Simulator.Bench;

/// <summary>The cheapest grain call there is: the baseline every other figure is compared with.</summary>
public interface IBenchEchoGrain : IGrainWithIntegerKey
{
    Task<int> Echo(int value);
}

public sealed class BenchEchoGrain : Grain, IBenchEchoGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);
}

/// <summary>One state write per call through a storage provider: the baseline for durable ingest.</summary>
public interface IBenchStateGrain : IGrainWithIntegerKey
{
    Task Write(double value);
}

[GenerateSerializer, Alias("ut.bench.BenchState")]
public sealed class BenchState
{
    [Id(0)] public double Value { get; set; }
    [Id(1)] public long Writes { get; set; }
}

public sealed class BenchStateGrain([PersistentState("bench", BenchSilo.RedisStorage)] IPersistentState<BenchState> state) : Grain, IBenchStateGrain
{
    public async Task Write(double value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }
}
