using Hotline.Calls;
using Hotline.Ivr;
using Hotline.Queues;
using Hotline.Tests.Calendar;
using Hotline.Tickets;

namespace Hotline.Tests.Ivr;

/// <summary>Every path of the default flow (the seed's menu) with a scripted caller; no cluster, no clock.</summary>
public sealed class IvrInterpreterTests
{
    private const string CallerPhone = "13800138000";
    private static readonly IvrFlowVersion Default = new(1, DateTimeOffset.UnixEpoch, "system", DefaultIvrFlow.Flow);

    private readonly CancellationTokenSource _hangup = new();
    private readonly FakeIvrMedia _caller;
    private readonly FakeIvrServices _services = new();

    public IvrInterpreterTests() => _caller = new FakeIvrMedia(_hangup);

    private Task<IvrOutcome> RunAsync(string? language = null, IvrFlowVersion? flow = null) =>
        new IvrInterpreter(PromptList.Embedded).RunAsync(flow ?? Default, new IvrCallContext("call-1", CallerPhone, language),
            _caller, _services, _hangup.Token);

    private static string[] Digits(string number) => number.Select(d => $"zh/digit_{d}").ToArray();

    /// <summary>Whether <paramref name="expected"/> appears in the log in this order (other entries may come between).</summary>
    private void AssertInOrder(params string[] expected)
    {
        var at = 0;
        foreach (var entry in _caller.Log)
            if (at < expected.Length && entry == expected[at]) at++;
        Assert.True(at == expected.Length, $"Missing '{(at < expected.Length ? expected[at] : "")}' in order; log: {string.Join(" | ", _caller.Log)}");
    }

    private void AssertContiguous(params string[] expected)
    {
        for (var i = 0; i + expected.Length <= _caller.Log.Count; i++)
            if (_caller.Log.Skip(i).Take(expected.Length).SequenceEqual(expected)) return;
        Assert.Fail($"'{string.Join(" ", expected)}' not played together; log: {string.Join(" | ", _caller.Log)}");
    }

    [Fact]
    public async Task A_key_pressed_during_the_welcome_stops_it_and_chooses_at_once()
    {
        _caller.BargeIn('1');

        var outcome = await RunAsync();

        Assert.Equal(["zh/welcome", "barge:1", "keys:1"], _caller.Log.Take(3));
        Assert.Equal([(null, 0)], _services.Enqueued);
        Assert.Equal((IvrOutcomeKind.Queued, "left_queue"), (outcome.Kind, outcome.Reason));
        Assert.Equal(["welcome", "agent_hours", "to_agent"], _services.Nodes);
    }

    [Fact]
    public async Task A_recorded_complaint_replayed_then_confirmed_becomes_an_ivr_order_whose_number_is_spoken_twice_digit_by_digit()
    {
        _caller.Press("2").Press("2").Speak(20).Press("2").Press("1");

        var outcome = await RunAsync();

        var request = Assert.Single(_services.Created);
        Assert.Equal((TicketChannel.Ivr, TicketKind.Complaint, "livelihood"), (request.Channel, request.Kind, request.Category));
        Assert.Equal(TimeSpan.FromSeconds(20), request.Recording.Duration);
        Assert.Equal(CallerPhone, request.Call.CallerNumber);
        var number = outcome.TicketNumber!;
        Assert.True(TicketNumber.IsValid(number), number);
        AssertInOrder("zh/complaint_intro", "zh/beep", "record", "zh/record_confirm", "keys:2", "replay:rec-1", "zh/record_confirm", "keys:1");
        AssertContiguous(["zh/ticket_created", .. Digits(number), "zh/ticket_repeat", .. Digits(number), "zh/ticket_remember", "zh/goodbye"]);
        Assert.Equal((IvrOutcomeKind.Ended, "ivr_self_service"), (outcome.Kind, outcome.Reason));
        Assert.Equal([(CallState.Ended, "ivr_self_service")], _services.Ended);
        Assert.Empty(_caller.Discarded);
    }

    [Fact]
    public async Task Pressing_3_after_recording_cancels_it_discards_the_file_and_returns_to_self_service()
    {
        _caller.Press("2").Press("2").Speak(8).Press("3");

        var outcome = await RunAsync();

        AssertInOrder("record", "zh/record_confirm", "keys:3", "discard:rec-1", "zh/record_cancelled", "zh/self_service_menu", "hangup");
        Assert.Empty(_services.Created);
        Assert.Equal(IvrOutcomeKind.CallerHungUp, outcome.Kind);
        Assert.Equal("self_service", outcome.LastNodeId);
    }

    [Fact]
    public async Task A_recording_of_silence_is_asked_for_again()
    {
        _caller.Press("2").Press("2").Speak(0.2).Speak(15).Press("1");

        var outcome = await RunAsync();

        AssertInOrder("record", "discard:rec-1", "zh/record_empty", "zh/complaint_intro", "zh/beep", "record", "zh/record_confirm", "keys:1");
        Assert.Equal(TimeSpan.FromSeconds(15), Assert.Single(_services.Created).Recording.Duration);
        Assert.NotNull(outcome.TicketNumber);
    }

    [Fact]
    public async Task A_query_with_a_wrong_check_digit_is_refused_then_the_right_number_is_read_back_and_the_reply_spoken_to_its_filer()
    {
        var number = _services.AddTicket(IvrTicketProgress.Replied, CallerPhone, "已为您办理公积金提取，款项三个工作日内到账。");
        var mistyped = number[..7] + (char)('0' + (number[7] - '0' + 1) % 10);
        _caller.Press("2").Press("3").Press(mistyped + "#").Press(number + "#").Press("1");

        var outcome = await RunAsync();

        AssertInOrder("zh/query_enter_number", $"keys:{mistyped}", "zh/query_number_invalid", "zh/query_enter_number", $"keys:{number}");
        AssertContiguous(["zh/query_you_entered", .. Digits(number), "zh/query_confirm", "keys:1"]);
        AssertContiguous("zh/status_replied", "speak:zh:已为您办理公积金提取，款项三个工作日内到账。", "zh/goodbye");
        Assert.Equal(IvrOutcomeKind.Ended, outcome.Kind);
    }

    [Fact]
    public async Task Pressing_2_at_the_read_back_lets_the_caller_key_the_number_again()
    {
        var wrongButValid = _services.AddTicket(IvrTicketProgress.Accepted, "13900000000");
        var number = _services.AddTicket(IvrTicketProgress.InProgress, CallerPhone);
        _caller.Press("2").Press("3").Press(wrongButValid + "#").Press("2").Press(number + "#").Press("1");

        await RunAsync();

        AssertInOrder($"keys:{wrongButValid}", "zh/query_confirm", "keys:2", "zh/query_enter_number", $"keys:{number}", "zh/query_confirm", "keys:1",
            "zh/status_in_progress", "zh/goodbye");
        Assert.DoesNotContain("zh/status_accepted", _caller.Log);
    }

    [Fact]
    public async Task A_caller_who_did_not_file_the_order_hears_its_status_but_not_the_reply()
    {
        var number = _services.AddTicket(IvrTicketProgress.Replied, "13912345678", "涉及个人信息的答复");
        _caller.Press("2").Press("3").Press(number + "#").Press("1");

        await RunAsync();

        AssertInOrder("keys:1", "zh/status_replied_private", "zh/goodbye");
        Assert.DoesNotContain(_caller.Log, e => e.StartsWith("speak:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_number_is_announced_and_the_caller_may_try_again()
    {
        var unknown = TicketNumber.Format(9_999_999);
        var number = _services.AddTicket(IvrTicketProgress.Accepted, CallerPhone);
        _caller.Press("2").Press("3").Press(unknown + "#").Press("1").Press(number + "#").Press("1");

        await RunAsync();

        AssertInOrder("zh/query_not_found", "zh/query_enter_number", $"keys:{number}", "zh/status_accepted", "zh/goodbye");
    }

    [Fact]
    public async Task A_mayors_mailbox_message_becomes_an_order_on_the_mayor_mailbox_channel()
    {
        _caller.Press("2").Press("1").Speak(45).Press("1");

        var outcome = await RunAsync();

        AssertInOrder("zh/self_service_menu", "keys:1", "zh/mailbox_intro", "zh/beep", "record", "zh/record_confirm", "keys:1", "zh/ticket_created");
        var request = Assert.Single(_services.Created);
        Assert.Equal((TicketChannel.MayorMailbox, TicketKind.Suggestion), (request.Channel, request.Kind));
        Assert.Equal(outcome.TicketNumber, _services.Tickets.Keys.Single());
    }

    [Fact]
    public async Task Automatic_consultation_plays_the_chosen_information_and_returns_to_its_menu()
    {
        _caller.Press("2").Press("4").Press("1").Press("3").Press("0");

        await RunAsync();

        AssertInOrder("zh/consult_menu", "keys:1", "zh/info_hours", "zh/consult_menu", "keys:3", "zh/info_portal", "zh/consult_menu", "keys:0",
            "zh/self_service_menu", "hangup");
    }

    [Fact]
    public async Task The_opinion_poll_counts_the_callers_choice_and_thanks_them()
    {
        _caller.Press("2").Press("5").Press("7").Press("2");

        var outcome = await RunAsync();

        AssertInOrder("zh/poll_question", "keys:7", "zh/invalid_input", "zh/poll_question", "keys:2", "zh/poll_thanks", "zh/goodbye");
        Assert.Equal(new Dictionary<(string, int), int> { [("service-satisfaction", 2)] = 1 }, _services.PollCounts);
        Assert.Equal(IvrOutcomeKind.Ended, outcome.Kind);
    }

    [Fact]
    public async Task Choosing_an_agent_enqueues_the_call_and_announces_position_and_wait_until_the_caller_asks_for_a_callback()
    {
        _services.EnqueueResult = new QueuePosition(true, 3, 90, null);
        _services.Positions.Enqueue(new QueuePosition(true, 2, 25, null));
        _caller.Press("1").Silence().Press("*");

        var outcome = await RunAsync();

        AssertContiguous("zh/transfer_to_agent", "zh/queue_position_before", "zh/num_2", "zh/queue_position_after", "zh/queue_wait_before", "zh/num_2",
            "zh/queue_wait_after", "zh/queue_callback_hint", "music", "keys:");
        AssertContiguous("keys:", "zh/queue_position_before", "zh/num_1", "zh/queue_position_after", "zh/queue_wait_before", "zh/num_1",
            "zh/queue_wait_after", "zh/queue_callback_hint", "music", "keys:*", "zh/callback_confirmed");
        Assert.Equal(["call-1"], _services.Callbacks);
        Assert.Equal((IvrOutcomeKind.Callback, "callback_requested"), (outcome.Kind, outcome.Reason));
        Assert.Empty(_services.Ended);
    }

    [Fact]
    public async Task A_waiting_call_stops_announcing_when_it_leaves_the_line()
    {
        _caller.Press("1").Silence();

        var outcome = await RunAsync();

        Assert.Equal((IvrOutcomeKind.Queued, "left_queue"), (outcome.Kind, outcome.Reason));
        Assert.Single(_caller.Log, "zh/queue_position_before");
    }

    [Fact]
    public async Task A_full_queue_that_takes_callbacks_ends_the_dialogue_as_a_callback()
    {
        _services.EnqueueResult = new QueuePosition(false, 0, 0, QueueExitDestination.Callback);
        _caller.Press("1");

        var outcome = await RunAsync();

        Assert.Equal((IvrOutcomeKind.Callback, "queue_full"), (outcome.Kind, outcome.Reason));
    }

    [Fact]
    public async Task An_invalid_key_then_silence_at_the_welcome_are_each_answered_then_the_caller_goes_to_an_agent()
    {
        _caller.Press("7").Silence();

        var outcome = await RunAsync();

        Assert.Equal(["zh/welcome", "zh/for_english", "keys:7", "zh/invalid_input", "zh/welcome", "zh/for_english", "keys:", "zh/no_input", "zh/transfer_to_agent"],
            _caller.Log.Take(9));
        Assert.Single(_services.Enqueued);
        Assert.Equal(IvrOutcomeKind.Queued, outcome.Kind);
    }

    [Fact]
    public async Task Three_timeouts_in_self_service_fall_back_to_an_agent()
    {
        _caller.Press("2").Silence().Silence().Silence();

        await RunAsync();

        Assert.Equal(3, _caller.Log.Count(e => e == "zh/no_input"));
        Assert.Equal(3, _caller.Log.Count(e => e == "zh/self_service_menu"));
        Assert.Single(_services.Enqueued);
    }

    [Fact]
    public async Task After_hours_on_a_public_holiday_the_agent_choice_takes_a_message()
    {
        _services.Now = China.Bj(2026, 10, 1, 10); // National Day (国庆节), 10:00, within the daily hours
        _caller.Press("1").Speak(30);

        var outcome = await RunAsync();

        AssertInOrder("keys:1", "zh/after_hours", "zh/beep", "record", "zh/voicemail_saved");
        Assert.Empty(_services.Enqueued);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(_services.Voicemails).Duration);
        Assert.Equal([(CallState.Voicemail, "after_hours_voicemail")], _services.Ended);
        Assert.Equal((IvrOutcomeKind.Voicemail, "after_hours_voicemail"), (outcome.Kind, outcome.Reason));
    }

    [Fact]
    public async Task On_a_moved_working_saturday_agents_answer()
    {
        _services.Now = China.Bj(2026, 10, 10, 10); // Saturday worked in exchange (调休上班)
        _caller.Press("1");

        await RunAsync();

        Assert.Single(_services.Enqueued);
    }

    [Fact]
    public async Task At_night_on_a_working_day_the_agent_choice_takes_a_message()
    {
        _services.Now = China.Bj(2026, 11, 23, 21);
        _caller.Press("1").Speak(10);

        var outcome = await RunAsync();

        Assert.Equal(IvrOutcomeKind.Voicemail, outcome.Kind);
    }

    [Fact]
    public async Task A_hang_up_during_a_recording_discards_nothing_kept_and_reports_the_node()
    {
        _caller.Press("2").Press("2").HangUp();

        var outcome = await RunAsync();

        Assert.Equal((IvrOutcomeKind.CallerHungUp, "caller_hangup_ivr", "complaint_record"), (outcome.Kind, outcome.Reason, outcome.LastNodeId));
        Assert.Empty(_services.Created);
        Assert.Empty(_services.Ended); // the host tells the call grain about the caller's hang-up
    }

    [Fact]
    public async Task A_hang_up_before_confirming_discards_the_recording()
    {
        _caller.Press("2").Press("2").Speak(5);

        var outcome = await RunAsync();

        Assert.Equal(IvrOutcomeKind.CallerHungUp, outcome.Kind);
        Assert.Equal("rec-1", Assert.Single(_caller.Discarded).Id);
    }

    [Fact]
    public async Task When_the_order_cannot_be_registered_the_caller_is_told_and_sent_to_an_agent()
    {
        _services.CreateFails = new DomainException("ticket.numbers_exhausted", "no numbers", status: 503);
        _caller.Press("2").Press("2").Speak(10).Press("1");

        await RunAsync();

        AssertInOrder("keys:1", "zh/ticket_failed", "zh/transfer_to_agent");
        Assert.Single(_services.Enqueued);
    }

    [Fact]
    public async Task An_english_caller_hears_english_prompts_where_they_exist_and_mandarin_otherwise()
    {
        _caller.Press("2").Press("9");

        await RunAsync(language: "en");

        AssertInOrder("en/welcome", "zh/self_service_menu", "en/invalid_input");
    }

    [Fact]
    public async Task A_flow_that_only_loops_is_stopped_and_the_call_fails()
    {
        var loop = new IvrFlow
        {
            Start = "a",
            Nodes = [new GotoNode { Id = "a", Target = "b" }, new GotoNode { Id = "b", Target = "a" }],
        };

        var outcome = await RunAsync(flow: new IvrFlowVersion(7, DateTimeOffset.UnixEpoch, "test", loop));

        Assert.Equal((IvrOutcomeKind.Failed, "ivr_loop"), (outcome.Kind, outcome.Reason));
        Assert.Equal([(CallState.Failed, "ivr_loop")], _services.Ended);
    }

    [Fact]
    public async Task A_transfer_to_a_department_dials_its_phone_and_ends_the_call_in_the_ivr()
    {
        var flow = new IvrFlow
        {
            Start = "t",
            Nodes = [new TransferNode { Id = "t", Target = IvrTransferKind.Department, To = "housing", Prompts = ["transfer_to_agent"] }],
        };

        var outcome = await RunAsync(flow: new IvrFlowVersion(2, DateTimeOffset.UnixEpoch, "test", flow));

        AssertInOrder("zh/transfer_to_agent", "transfer:051188880000");
        Assert.Equal((IvrOutcomeKind.Transferred, "ivr_transfer"), (outcome.Kind, outcome.Reason));
        Assert.Equal([(CallState.Ended, "ivr_transfer")], _services.Ended);
    }

    [Fact]
    public async Task A_service_failure_with_no_branch_ends_the_call_as_failed_instead_of_throwing()
    {
        _services.EnqueueFails = new DomainException("queue.not_found", "no queue", status: 404);
        _caller.Press("1");

        var outcome = await RunAsync();

        Assert.Equal((IvrOutcomeKind.Failed, "ivr_error", "to_agent"), (outcome.Kind, outcome.Reason, outcome.LastNodeId));
        Assert.Equal([(CallState.Failed, "ivr_error")], _services.Ended);
    }
}
