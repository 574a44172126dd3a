namespace Hotline.Diagnostics;

/// <summary>
/// An empty grain. Its call rate is the cluster's ceiling for the cheapest possible grain call on this machine,
/// the baseline the load driver shows every other figure against.
/// </summary>
[Alias("hotline.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")] Task PingAsync();
}

/// <summary>
/// Measures the silo it runs on. A stateless worker, so a call from a client lands on the gateway's silo; with
/// one silo that is the silo.
/// </summary>
[Alias("hotline.ISiloProbeGrain")]
public interface ISiloProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Runs a full, compacting garbage collection first, so the heap figure counts only what is reachable.</summary>
    [Alias("Measure")] Task<SiloMemory> MeasureAsync();
}

/// <summary>The memory of one silo process after a full collection.</summary>
[GenerateSerializer, Immutable, Alias("hotline.SiloMemory")]
public sealed record SiloMemory(
    [property: Id(0)] string Silo,
    [property: Id(1)] long HeapBytes,
    [property: Id(2)] long WorkingSetBytes);

/// <summary>
/// A durable reminder due at a set time that records when, and on which silo, it fired. The failure drills arm
/// some to fall due while a silo or the database is down and check afterwards that every one fired.
/// </summary>
[Alias("hotline.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("Arm")] Task ArmAsync(DateTimeOffset dueAt);
    [Alias("Get")] Task<ReminderProbeSnapshot> GetAsync();
}

[GenerateSerializer, Immutable, Alias("hotline.ReminderProbeSnapshot")]
public sealed record ReminderProbeSnapshot(
    [property: Id(0)] DateTimeOffset? DueAt,
    [property: Id(1)] DateTimeOffset? FiredAt,
    [property: Id(2)] string? FiredOn);
