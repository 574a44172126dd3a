using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Hotline.Tickets;

namespace Hotline.Api.Contracts;

/// <summary>
/// The API's spelling of the domain enums: snake_case lower (<c>not_ready</c>, <c>wrapup</c>,
/// <c>callback_waiting</c>, <c>longest_idle</c>), the same <see cref="Names"/> the grains use in events and errors.
/// </summary>
public static class ApiNames
{
    public static string Of(SeatState state) => Names.Of(state);
    public static string Of(CallState state) => Names.Of(state);
    public static string Of(RoutingStrategy strategy) => Names.Of(strategy);
    public static string Of(QueueExitDestination destination) => Names.Of(destination);
    public static string Of(CallChannel channel) => Names.Of(channel);
    public static string Of(ParticipantRole role) => Names.Of(role);
    public static string Of(PartyAddressKind kind) => Names.Of(kind);

    public static string Of(TicketStatus status) => Names.Of(status);
    public static string Of(TicketKind kind) => Names.Of(kind);
    public static string Of(TicketChannel channel) => Names.Of(channel);
    public static string Of(Satisfaction satisfaction) => Names.Of(satisfaction);

    public static IReadOnlyList<string> CallStates { get; } = Enum.GetValues<CallState>().Select(Of).ToArray();
    public static IReadOnlyList<string> TicketStatuses { get; } = Enum.GetValues<TicketStatus>().Select(Of).ToArray();
    public static IReadOnlyList<string> TicketKinds { get; } = Enum.GetValues<TicketKind>().Select(Of).ToArray();
    public static IReadOnlyList<string> TicketChannels { get; } = Enum.GetValues<TicketChannel>().Select(Of).ToArray();
    public static IReadOnlyList<string> Satisfactions { get; } = Enum.GetValues<Satisfaction>().Select(Of).ToArray();
    public static IReadOnlyList<string> Strategies { get; } = Enum.GetValues<RoutingStrategy>().Select(Of).ToArray();
    public static IReadOnlyList<string> ExitDestinations { get; } = Enum.GetValues<QueueExitDestination>().Select(Of).ToArray();

    public static bool TryParseCallState(string? value, out CallState state) => Names.TryParse(value, out state);
    public static bool TryParseStrategy(string? value, out RoutingStrategy strategy) => Names.TryParse(value, out strategy);
    public static bool TryParseExitDestination(string? value, out QueueExitDestination destination) => Names.TryParse(value, out destination);
    public static bool TryParseTransferKind(string? value, out TransferTargetKind kind) => Names.TryParse(value, out kind);
    public static bool TryParseTicketStatus(string? value, out TicketStatus status) => Names.TryParse(value, out status);
    public static bool TryParseTicketKind(string? value, out TicketKind kind) => Names.TryParse(value, out kind);
    public static bool TryParseTicketChannel(string? value, out TicketChannel channel) => Names.TryParse(value, out channel);
    public static bool TryParseSatisfaction(string? value, out Satisfaction satisfaction) => Names.TryParse(value, out satisfaction);
}
