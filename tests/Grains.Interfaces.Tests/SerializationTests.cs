using System.Text.Json;
using Hotline.Calls;
using Hotline.Events;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Hotline.Tests;

/// <summary>The contract types cross silos, the client and storage through the Orleans serializer: nothing may be lost.</summary>
public sealed class SerializationTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 30, 15, TimeSpan.FromHours(8));

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(QueueConfig).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static TheoryData<object> Contracts() => new()
    {
        new QueueConfig
        {
            Name = "English line", Strategy = RoutingStrategy.HighestProficiency, ServiceLevelSeconds = 20, RingTimeoutSeconds = 12,
            WrapUpSeconds = 45, ShortAbandonSeconds = 3, MaxWaitSeconds = 300, MaxLength = 50, ExitDestination = QueueExitDestination.Callback,
            MinimumLevel = 3, Widening = new List<LevelWidening> { new(30, 2), new(60, 1) }, Overflow = [new OverflowRule(90, "general")],
            Priority = 7, Language = "en", CallbackDigit = "#",
        },
        new QueueConfig(),
        new LevelWidening(30, 2),
        new OverflowRule(90, "general"),
        new WaitingCallView("sim-1", 3, At, 42, 5, "en", true, "general", 360, "1001"),
        new QueueCounters
        {
            Entered = 1, Offered = 2, Answered = 3, AnsweredWithinThreshold = 4, Abandoned = 5, ShortAbandoned = 6, RingNoAnswer = 7,
            ExitedToVoicemail = 8, ExitedToCallback = 9, CallbacksRequested = 10, OverflowedOut = 11, TotalAnsweredWaitSeconds = 12.5, Since = At,
        },
        new SeatCounts(1, 2, 3, 4, 5, 15),
        new QueueSnapshot("english", new QueueConfig { Language = "en" },
            [new WaitingCallView("sim-1", 1, At, 42, 0, null, false, null, 150, null)],
            new QueueCounters { Entered = 9, Since = At }, new QueueSeats(1, 2, 1, 4), 42, ["1001", "1002"], 1, 150),
        new QueuePosition(true, 4, 600, null),
        new QueuePosition(false, 0, 0, QueueExitDestination.Voicemail),
        new QueueEntry("sim-1", At, 2, "en", true, "general") { Silo = "S127.0.0.1:11111:1" },
        new SeatAvailability("1001", SeatState.Ready, 4, ["zh", "en"], At, 17, TimeSpan.FromMinutes(93.5), 123) { Silo = "S127.0.0.1:11111:1" },
        new QueueSkill("general", 4),
        new SeatLogin("8001", [new QueueSkill("general", 3), new QueueSkill("english", 1)], ["zh", "en"]),
        new SeatSnapshot("1001", SeatState.NotReady, "lunch", At, null, "8001", [new QueueSkill("general", 3)], ["zh"], 12,
            TimeSpan.FromSeconds(3600), true, 99),
        new SeatOffer("sim-1", "general", true, 30),
        new TransferTarget(TransferTargetKind.Queue, "english", false),
        new CallStart(CallChannel.Sip, "13800000000", "12345", "en", "english", 3),
        new CallSnapshot
        {
            Id = "sim-1", State = CallState.CallbackWaiting, Channel = CallChannel.Sip, From = "13800000000", To = "12345", Language = "en",
            Priority = 2, QueueId = "english", SeatJobNo = "1001", ArrivedAt = At, QueuedAt = At.AddSeconds(5), OfferedAt = At.AddSeconds(9),
            AnsweredAt = At.AddSeconds(12), EndedAt = At.AddMinutes(4), WrapUpEndedAt = At.AddMinutes(5), EndReason = "caller_hangup",
            OnHold = true, IsCallback = true, RingNoAnswerCount = 2, TicketNumber = "20261123000123", OfferedSeats = ["1002", "1001"],
        },
        new HotlineEvent(EventTopics.Calls, "call.queued", "sim-1", At, """{"state":"queued"}"""),
    };

    [Theory]
    [MemberData(nameof(Contracts))]
    public void A_contract_survives_a_round_trip_through_the_orleans_serializer(object value)
    {
        var copy = RoundTrip(value);

        Assert.IsType(value.GetType(), copy);
        Assert.Equal(JsonSerializer.Serialize(value, value.GetType(), Json), JsonSerializer.Serialize(copy, copy.GetType(), Json));
    }

    [Fact]
    public void Every_enum_value_survives_a_round_trip()
    {
        AssertEnumRoundTrips<SeatState>();
        AssertEnumRoundTrips<CallState>();
        AssertEnumRoundTrips<RoutingStrategy>();
        AssertEnumRoundTrips<QueueExitDestination>();
        AssertEnumRoundTrips<CallChannel>();
        AssertEnumRoundTrips<CallParty>();
        AssertEnumRoundTrips<OfferResult>();
        AssertEnumRoundTrips<TransferTargetKind>();
    }

    [Fact]
    public void A_queue_config_built_with_collection_expressions_survives_a_round_trip()
    {
        // What callers naturally write; the compiler picks the list type, which the serializer must still handle.
        var config = new QueueConfig { Widening = [new LevelWidening(20, 1)], Overflow = [new OverflowRule(30, "a"), new OverflowRule(60, "b")] };

        var copy = RoundTrip(config);

        Assert.Equal([new LevelWidening(20, 1)], copy.Widening);
        Assert.Equal([new OverflowRule(30, "a"), new OverflowRule(60, "b")], copy.Overflow);
    }

    [Fact]
    public void A_domain_exception_keeps_its_code_state_status_and_message()
    {
        var error = new DomainException("seat.invalid_transition", "Seat 1001 cannot answer while ready.", "ready", 409);

        var copy = RoundTrip<Exception>(error);

        var domain = Assert.IsType<DomainException>(copy);
        Assert.Equal(("seat.invalid_transition", "ready", 409), (domain.Code, domain.CurrentState, domain.Status));
        Assert.Equal(error.Message, domain.Message);
    }

    [Fact]
    public void A_domain_exception_without_a_state_keeps_its_status()
    {
        var copy = RoundTrip(new DomainException("queue.not_found", "Queue 'x' is not configured.", status: 404));

        Assert.Equal(("queue.not_found", null, 404), (copy.Code, copy.CurrentState, copy.Status));
    }

    /// <summary>
    /// Bytes written when these tests were made. Silos of two versions talk during a rolling upgrade: a renumbered
    /// or reordered [Id], or a changed alias, makes these fail to read back as they were written.
    /// </summary>
    [Fact]
    public void Bytes_written_by_this_version_still_read_back_so_no_id_or_alias_was_changed()
    {
        var config = Assert.IsType<QueueConfig>(Serializer.Deserialize<QueueConfig>(Convert.FromBase64String(
            "IOhAGUVuZ2xpc2ggbGluZQERAVEBMQG1AQ0BYgkByQEFAQ0xAdev+7Z1U3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tob3RsaW5lLkxldmVsV2lkZW5pbmddXQADIegAeQEJ4OAxAU31ccNzU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tob3RsaW5lLk92ZXJmbG93UnVsZV1dAAMh6ADSAkEPZ2VuZXJhbODgAR1BBWVuQQMj4A==")));
        Assert.Equal(("English line", RoutingStrategy.HighestProficiency, 20, 12, 45, 3), (config.Name, config.Strategy, config.ServiceLevelSeconds,
            config.RingTimeoutSeconds, config.WrapUpSeconds, config.ShortAbandonSeconds));
        Assert.Equal((300, 50, QueueExitDestination.Callback, 3, 7, "en", "#"), (config.MaxWaitSeconds, config.MaxLength, config.ExitDestination,
            config.MinimumLevel, config.Priority, config.Language, config.CallbackDigit));
        Assert.Equal([new LevelWidening(30, 2)], config.Widening);
        Assert.Equal([new OverflowRule(90, "general")], config.Overflow);

        var seat = Assert.IsType<SeatAvailability>(Serializer.Deserialize<SeatAvailability>(Convert.FromBase64String(
            "IOhACTEwMDEBBQERMQFZ0bcpV1N5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbc3RyaW5nXV0ABUEFemhABWVu4CGAgC1dYURJ3wiBAEAjDkMAAADgAUWBABHSDw0AAAAB2gPg")));
        Assert.Equal(("1001", SeatState.Ready, 4, At, 17, TimeSpan.FromSeconds(5610), 123L), (seat.JobNo, seat.State, seat.Level, seat.IdleSince,
            seat.CallsAnswered, seat.TalkTime, seat.Version));
        Assert.Equal(["zh", "en"], seat.Languages);

        var entry = Serializer.Deserialize<QueueEntry>(Convert.FromBase64String("IOhAC3NpbS0xIYCALV1hREnfCIEAQCMOQwAAAOABCUEFZW4BA0EPZ2VuZXJhbOA="));
        Assert.Equal(new QueueEntry("sim-1", At, 2, "en", true, "general"), entry);
    }

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))
        ?? throw new InvalidOperationException($"{typeof(T).Name} came back null");

    private static void AssertEnumRoundTrips<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>()) Assert.Equal(value, RoundTrip(value));
    }
}
