using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Departments;

[GenerateSerializer, Alias("hotline.DepartmentState")]
public sealed class DepartmentState
{
    [Id(0)] public DepartmentProfile? Profile { get; set; }
}

/// <summary>A handling department's profile.</summary>
[GrainType("department")]
public sealed class DepartmentGrain([PersistentState(GrainStorage.States.Department, GrainStorage.Hotline)] IPersistentState<DepartmentState> state)
    : Grain, IDepartmentGrain
{
    public Task<DepartmentSnapshot> GetAsync() => state.State.Profile is { } profile
        ? Task.FromResult(new DepartmentSnapshot(this.GetPrimaryKeyString(), profile))
        : throw new DomainException("department.not_found", $"Department '{this.GetPrimaryKeyString()}' does not exist.", status: 404);

    public async Task<DepartmentSnapshot> SaveAsync(DepartmentProfile profile)
    {
        state.State.Profile = profile;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).AddAsync(this.GetPrimaryKeyString());
        return new DepartmentSnapshot(this.GetPrimaryKeyString(), profile);
    }
}

[GenerateSerializer, Alias("hotline.DepartmentDirectoryState")]
public sealed class DepartmentDirectoryState
{
    [Id(0)] public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}

[GrainType("department-directory")]
public sealed class DepartmentDirectoryGrain([PersistentState(GrainStorage.States.Departments, GrainStorage.Hotline)] IPersistentState<DepartmentDirectoryState> state)
    : Grain, IDepartmentDirectoryGrain
{
    public async Task AddAsync(string departmentId)
    {
        if (state.State.Ids.Add(departmentId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> GetAllAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Ids.ToList());
}
