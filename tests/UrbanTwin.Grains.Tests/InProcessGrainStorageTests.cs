using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

public sealed class InProcessGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("asset", "taiyuan-xiaodian-gas-001");
    private readonly InProcessGrainStorage _storage = new(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<DeepCopier>());

    private sealed class Held<T>(T value) : IGrainState<T> where T : class
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = value;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    [Fact]
    public async Task What_was_written_is_read_back_as_a_copy_that_later_changes_do_not_reach()
    {
        var written = new Held<Dictionary<string, int>>(new() { ["gasLel"] = 5 });
        await _storage.WriteStateAsync("asset", Grain, written);
        written.State["gasLel"] = 60; // changed in memory, not written

        var read = new Held<Dictionary<string, int>>([]);
        await _storage.ReadStateAsync("asset", Grain, read);
        Assert.Equal(5, read.State["gasLel"]);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_or_clear_from_a_stale_copy_is_refused_and_changes_nothing()
    {
        var first = new Held<Dictionary<string, int>>(new() { ["gasLel"] = 5 });
        await _storage.WriteStateAsync("asset", Grain, first);
        var stale = new Held<Dictionary<string, int>>([]);
        await _storage.ReadStateAsync("asset", Grain, stale);
        first.State["gasLel"] = 7;
        await _storage.WriteStateAsync("asset", Grain, first); // the live copy moves on

        stale.State["gasLel"] = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("asset", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync("asset", Grain, stale));
        // A first write over an existing record is stale too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("asset", Grain, new Held<Dictionary<string, int>>([])));

        var read = new Held<Dictionary<string, int>>([]);
        await _storage.ReadStateAsync("asset", Grain, read);
        Assert.Equal(7, read.State["gasLel"]);

        await _storage.ClearStateAsync("asset", Grain, read);
        var gone = new Held<Dictionary<string, int>>([]);
        await _storage.ReadStateAsync("asset", Grain, gone);
        Assert.False(gone.RecordExists);
        Assert.Empty(gone.State);
    }
}
