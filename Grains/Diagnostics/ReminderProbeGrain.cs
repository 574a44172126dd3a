using Hotline.Common;
using Hotline.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Timers;

namespace Hotline.Diagnostics;

[GenerateSerializer, Alias("hotline.ReminderProbeState")]
public sealed class ReminderProbeState
{
    [Id(0)] public DateTimeOffset? DueAt { get; set; }
    [Id(1)] public DateTimeOffset? FiredAt { get; set; }
    [Id(2)] public string? FiredOn { get; set; }
}

/// <summary>See <see cref="IReminderProbeGrain"/>. The first tick is recorded; later (repeated) ticks change nothing.</summary>
[GrainType("reminder-probe")]
public sealed class ReminderProbeGrain(
    [PersistentState(GrainStorage.States.ReminderProbe, GrainStorage.Hotline)] IPersistentState<ReminderProbeState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IReminderProbeGrain, IRemindable
{
    private const string Reminder = "probe";
    // Orleans' shortest reminder period; the probe unregisters after its first tick anyway.
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    async Task IReminderProbeGrain.ArmAsync(DateTimeOffset dueAt)
    {
        state.State.DueAt = dueAt;
        state.State.FiredAt = null;
        state.State.FiredOn = null;
        await state.WriteStateAsync();
        var due = dueAt - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(Reminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, Period);
    }

    Task<ReminderProbeSnapshot> IReminderProbeGrain.GetAsync() =>
        Task.FromResult(new ReminderProbeSnapshot(state.State.DueAt, state.State.FiredAt, state.State.FiredOn));

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder) return;
        if (state.State.FiredAt is null)
        {
            state.State.FiredAt = time.GetUtcNow();
            state.State.FiredOn = GrainContext.Address.SiloAddress?.ToParsableString();
            await state.WriteStateAsync();
        }
        if (await this.GetReminder(Reminder) is { } reminder) await this.UnregisterReminder(reminder);
    }
}
