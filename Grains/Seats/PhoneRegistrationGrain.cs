using Hotline.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Hotline.Seats;

[GenerateSerializer, Alias("hotline.PhoneRegistrationState")]
public sealed class PhoneRegistrationState
{
    [Id(0)] public PhoneRegistration? Current { get; set; }
}

/// <summary>
/// The seat's phone registration. Durable, so a phone that registered through a silo that died is still
/// reachable until its registration lapses (phones refresh well before that).
/// </summary>
[GrainType("phone")]
public sealed class PhoneRegistrationGrain(
    [PersistentState(GrainStorage.States.Phone, GrainStorage.Hotline)] IPersistentState<PhoneRegistrationState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IPhoneRegistrationGrain
{
    public async Task<PhoneRegistration?> RegisterAsync(string contact, TimeSpan lifetime, string transport)
    {
        var next = lifetime <= TimeSpan.Zero ? null : new PhoneRegistration(contact, time.GetUtcNow() + lifetime, transport);
        if (next is null && state.State.Current is null) return null;
        state.State.Current = next;
        await state.WriteStateAsync();
        return next;
    }

    public Task<PhoneRegistration?> GetAsync()
    {
        var current = state.State.Current;
        return Task.FromResult(current is not null && current.ExpiresAt > time.GetUtcNow() ? current : null);
    }
}
