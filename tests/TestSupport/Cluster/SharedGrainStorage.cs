using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Grain storage for the test cluster that outlives a silo. Orleans' memory storage keeps its rows in grains,
/// which die with their silo; production keeps them in PostgreSQL. The silos of an in-process cluster share
/// this one table, so a grain reactivated on the surviving silo reads what the dead silo wrote.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly ConcurrentDictionary<(string Storage, string State, GrainId Grain), (byte[] Data, string ETag)> _rows = new();
    private readonly ConcurrentDictionary<GrainId, int> _failingWrites = new();
    private long _version;

    /// <summary>The next <paramref name="times"/> writes of the grain's state fail, as they do while the database restarts.</summary>
    public void FailWrites(IAddressable grain, int times) => _failingWrites[grain.GetGrainId()] = times;

    /// <summary>Writes of the grain that were scheduled to fail and have not been tried yet.</summary>
    public int FailingWritesLeft(IAddressable grain) => _failingWrites.TryGetValue(grain.GetGrainId(), out var left) ? left : 0;

    /// <summary>What the grain's state is on "disk" (default when nothing was written).</summary>
    public T Read<T>(string storage, IAddressable grain, Serializer serializer) where T : new() =>
        _rows.FirstOrDefault(r => r.Key.Storage == storage && r.Key.Grain == grain.GetGrainId()).Value is { Data: { } data }
            ? serializer.Deserialize<T>(data) ?? new T()
            : new T();

    internal void ThrowIfFailing(GrainId grain)
    {
        while (_failingWrites.TryGetValue(grain, out var left) && left > 0)
        {
            if (_failingWrites.TryUpdate(grain, left - 1, left))
                throw new IOException($"injected: the database did not take the write of {grain}");
        }
    }

    internal bool TryRead(string storage, string state, GrainId grain, out (byte[] Data, string ETag) row) =>
        _rows.TryGetValue((storage, state, grain), out row);

    internal string Write(string storage, string state, GrainId grain, string? expectedETag, byte[] data)
    {
        var key = (storage, state, grain);
        var etag = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            if (_rows.TryGetValue(key, out var current))
            {
                if (current.ETag != expectedETag)
                    throw new InconsistentStateException($"ETag mismatch for {grain}: stored {current.ETag}, written {expectedETag}", current.ETag, expectedETag ?? "");
                if (_rows.TryUpdate(key, (data, etag), current)) return etag;
            }
            else
            {
                if (expectedETag is not null)
                    throw new InconsistentStateException($"{grain} has no stored state but was written with ETag {expectedETag}", "", expectedETag);
                if (_rows.TryAdd(key, (data, etag))) return etag;
            }
        }
    }

    internal void Clear(string storage, string state, GrainId grain) => _rows.TryRemove((storage, state, grain), out _);
}

/// <summary>One named storage provider of one silo over the shared table; it completes every call synchronously, as a cache would.</summary>
public sealed class SharedGrainStorage(string name, SharedGrainStore store, Serializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.TryRead(name, stateName, grainId, out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.ThrowIfFailing(grainId);
        grainState.ETag = store.Write(name, stateName, grainId, grainState.ETag, serializer.SerializeToArray(grainState.State));
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Clear(name, stateName, grainId);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
