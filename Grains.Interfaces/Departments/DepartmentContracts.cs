namespace Hotline.Departments;

/// <summary>A handling department (承办单位): who it is, what it handles, where to reach it for a three-way call.</summary>
[GenerateSerializer, Immutable, Alias("hotline.DepartmentProfile")]
public sealed record DepartmentProfile
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>Category ids the department handles.</summary>
    [Id(1)] public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>Phone number for three-way calls (三方通话) from a seat.</summary>
    [Id(2)] public string? Phone { get; init; }
    [Id(3)] public bool Active { get; init; } = true;
}

[GenerateSerializer, Immutable, Alias("hotline.DepartmentSnapshot")]
public sealed record DepartmentSnapshot([property: Id(0)] string Id, [property: Id(1)] DepartmentProfile Profile);

/// <summary>A department, keyed by its id (e.g. <c>housing</c>). Its inbox is a query on the read model, not grain state.</summary>
[Alias("hotline.IDepartmentGrain")]
public interface IDepartmentGrain : IGrainWithStringKey
{
    /// <summary>Throws <c>department.not_found</c> (404) for an id never saved.</summary>
    [Alias("Get")] Task<DepartmentSnapshot> GetAsync();
    [Alias("Save")] Task<DepartmentSnapshot> SaveAsync(DepartmentProfile profile);
}

/// <summary>The list of departments (key "centre").</summary>
[Alias("hotline.IDepartmentDirectoryGrain")]
public interface IDepartmentDirectoryGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    [Alias("Add")] Task AddAsync(string departmentId);
    [Alias("GetAll")] Task<IReadOnlyList<string>> GetAllAsync();
}
