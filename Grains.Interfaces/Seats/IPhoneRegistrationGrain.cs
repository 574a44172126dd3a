namespace Hotline.Seats;

/// <summary>Where an agent's SIP phone can be reached, as its REGISTER said.</summary>
/// <param name="Contact">The phone's Contact URI, e.g. sip:1001@10.0.0.5:5080.</param>
/// <param name="ExpiresAt">When the registration lapses unless the phone refreshes it.</param>
/// <param name="Transport">udp or tcp.</param>
[GenerateSerializer, Immutable, Alias("hotline.PhoneRegistration")]
public sealed record PhoneRegistration(
    [property: Id(0)] string Contact,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] string Transport);

/// <summary>
/// The registration of the SIP phone at one seat, keyed by the agent's job number (工号). Kept in a grain so
/// that every silo's edge can reach every seat's phone, whichever edge the phone registered with.
/// </summary>
[Alias("hotline.IPhoneRegistrationGrain")]
public interface IPhoneRegistrationGrain : IGrainWithStringKey
{
    /// <summary>Records (or, with a zero lifetime, removes) the phone's contact.</summary>
    [Alias("Register")] Task<PhoneRegistration?> RegisterAsync(string contact, TimeSpan lifetime, string transport);

    /// <summary>The current registration, or null when there is none or it lapsed.</summary>
    [Alias("Get")] Task<PhoneRegistration?> GetAsync();
}
