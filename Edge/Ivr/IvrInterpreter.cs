using Hotline.Calls;
using Hotline.Queues;
using Hotline.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotline.Ivr;

/// <summary>
/// Runs one caller through an IVR flow version (语音导航), next to the call's media on the call's silo. A plain
/// class: the telephony host calls <see cref="RunAsync"/> once per call after <see cref="ICallGrain.BeginIvrAsync"/>,
/// with a token it cancels when the caller hangs up or the call leaves the IVR (bridged to an agent). All waiting
/// is the media's (prompt playback, digit timeouts), so tests drive it with a scripted media in milliseconds.
/// <see cref="RunAsync"/> does not throw for the caller's hang-up or a failing service: it returns an
/// <see cref="IvrOutcome"/>. The IVR itself ends the call grain for self-service, voicemail, transfers out and
/// failures; on <see cref="IvrOutcomeKind.CallerHungUp"/> the host reports the hang-up
/// (<c>ICallGrain.HangupAsync(CallParty.Caller)</c>) as for any call.
/// </summary>
public sealed class IvrInterpreter(IPromptCatalog? prompts = null, ILogger<IvrInterpreter>? logger = null)
{
    /// <summary>Nodes one call may pass through; more means the flow loops (menus re-asked forever by gotos).</summary>
    public const int MaxSteps = 1000;

    /// <summary>A recording shorter than this is silence (the caller pressed # at once).</summary>
    public static readonly TimeSpan MinRecording = TimeSpan.FromSeconds(1);

    /// <summary>How often a caller may listen to a recording again before confirming.</summary>
    public const int MaxReplays = 5;

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly IPromptCatalog? _prompts = prompts;

    public Task<IvrOutcome> RunAsync(IvrFlowVersion flow, IvrCallContext call, IIvrMedia media, IIvrServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(services);
        return new Dialogue(this, flow, call, media, services, cancellationToken).RunAsync();
    }

    private readonly record struct Step(string? Next, IvrOutcome? Outcome)
    {
        public static Step Go(string? next) => new(next, null);
        public static Step End(IvrOutcome outcome) => new(null, outcome);
    }

    /// <summary>One call's pass through the flow.</summary>
    private sealed class Dialogue(IvrInterpreter owner, IvrFlowVersion version, IvrCallContext call, IIvrMedia media,
        IIvrServices services, CancellationToken ct)
    {
        private readonly IvrFlow _flow = version.Flow;
        private string _language = string.IsNullOrWhiteSpace(call.Language) ? version.Flow.Language : call.Language;
        private ILogger Log => owner._logger;
        private IPromptCatalog? Catalog => owner._prompts;
        private string? _node;
        private IvrRecording? _recording;
        private string? _ticketNumber;
        private bool _waitingInQueue;
        private bool _callbackRequested;

        public async Task<IvrOutcome> RunAsync()
        {
            var next = _flow.Start;
            try
            {
                for (var steps = 0; steps < MaxSteps; steps++)
                {
                    if (next is null) return await EndAsync(CallState.Ended, "ivr_flow_end");
                    var node = _flow.Find(next);
                    if (node is null)
                    {
                        Log.LogError("IVR flow {Version} has no node {NodeId} (call {CallId})", version.Number, next, call.CallId);
                        return await EndAsync(CallState.Failed, "ivr_flow_error", IvrOutcomeKind.Failed);
                    }
                    _node = node.Id;
                    services.NodeEntered(call.CallId, version.Number, node.Id);
                    var step = await ExecuteAsync(node);
                    if (step.Outcome is { } outcome) return outcome;
                    next = step.Next;
                }
                Log.LogError("IVR flow {Version} looped for call {CallId} at {NodeId}", version.Number, call.CallId, _node);
                return await EndAsync(CallState.Failed, "ivr_loop", IvrOutcomeKind.Failed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A service failed where the flow has no branch for it: end the call on record rather than leave it in the IVR.
                Log.LogError(e, "IVR flow {Version} failed for call {CallId} at {NodeId}", version.Number, call.CallId, _node);
                if (_recording is not null) media.Discard(_recording);
                return await EndAfterErrorAsync();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                if (_recording is not null) media.Discard(_recording);
                if (_callbackRequested) return new IvrOutcome(IvrOutcomeKind.Callback, "callback_requested", _node, _ticketNumber);
                return _waitingInQueue
                    ? new IvrOutcome(IvrOutcomeKind.Queued, "left_queue", _node, _ticketNumber)
                    : new IvrOutcome(IvrOutcomeKind.CallerHungUp, "caller_hangup_ivr", _node, _ticketNumber);
            }
        }

        private async Task<IvrOutcome> EndAfterErrorAsync()
        {
            try
            {
                if (!ct.IsCancellationRequested) await services.EndCallAsync(call.CallId, CallState.Failed, "ivr_error", ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.LogError(e, "Call {CallId} could not be ended after an IVR error; the host hangs it up", call.CallId);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The caller hung up meanwhile; the host records that.
            }
            return new IvrOutcome(IvrOutcomeKind.Failed, "ivr_error", _node, _ticketNumber);
        }

        private Task<Step> ExecuteAsync(IvrNode node) => node switch
        {
            PlayNode play => PlayNodeAsync(play),
            MenuNode menu => MenuAsync(menu),
            CollectDigitsNode collect => CollectAsync(collect),
            RecordNode record => RecordAsync(record),
            CreateTicketNode ticket => CreateTicketAsync(ticket),
            TicketLookupNode lookup => LookUpAsync(lookup),
            EnqueueNode enqueue => EnqueueAsync(enqueue),
            VoicemailNode voicemail => VoicemailAsync(voicemail),
            TransferNode transfer => TransferAsync(transfer),
            TimeSwitchNode timeSwitch => TimeSwitchAsync(timeSwitch),
            PollNode poll => PollAsync(poll),
            HangupNode hangup => HangupAsync(hangup),
            GotoNode jump => Task.FromResult(Step.Go(jump.Target)),
            LanguageNode language => ChooseLanguageAsync(language),
            _ => throw new NotSupportedException($"IVR node type {node.GetType().Name} has no interpreter step."),
        };

        /// <summary>The caller chose a language: the call records it (its queue and seats follow it), prompts switch to it.</summary>
        private async Task<Step> ChooseLanguageAsync(LanguageNode node)
        {
            await services.SetLanguageAsync(call.CallId, node.Language, ct);
            _language = node.Language;
            await PlayAsync(node.Prompts, bargeIn: true);
            return Step.Go(node.Next);
        }

        private async Task<Step> PlayNodeAsync(PlayNode node)
        {
            await PlayAsync(node.Prompts, node.BargeIn); // a key pressed here stays buffered for the next menu
            return Step.Go(node.Next);
        }

        private async Task<Step> MenuAsync(MenuNode node)
        {
            var timeout = TimeSpan.FromSeconds(node.TimeoutSeconds);
            for (var attempt = 1; attempt <= node.MaxAttempts; attempt++)
            {
                var key = await AskAsync(node.Prompts, 1, timeout, timeout, "");
                if (node.Choices.FirstOrDefault(c => c.Digit == key) is { } choice) return Step.Go(choice.Next);
                media.ClearDigits();
                await PlayAsync([key.Length == 0 ? node.TimeoutPrompt : node.InvalidPrompt], bargeIn: false);
            }
            return Step.Go(node.Fallback);
        }

        private async Task<Step> CollectAsync(CollectDigitsNode node)
        {
            for (var attempt = 1; attempt <= node.MaxAttempts; attempt++)
            {
                var digits = await AskAsync(node.Prompts, node.MaxDigits, TimeSpan.FromSeconds(node.TimeoutSeconds),
                    TimeSpan.FromSeconds(node.InterDigitTimeoutSeconds), node.Terminator);
                if (digits.Length >= node.MinDigits && digits.All(char.IsAsciiDigit)) return Step.Go(node.Next);
                media.ClearDigits();
                await PlayAsync([node.InvalidPrompt], bargeIn: false);
            }
            return Step.Go(node.Fallback);
        }

        private async Task<Step> RecordAsync(RecordNode node)
        {
            var answerTimeout = TimeSpan.FromSeconds(node.TimeoutSeconds);
            for (var take = 1; take <= node.MaxAttempts; take++)
            {
                await PlayAsync(node.Prompts, bargeIn: true);
                media.ClearDigits(); // a key that skipped the instructions must not end the recording
                await PlayAsync([node.BeepPrompt], bargeIn: false);
                var recording = await media.RecordAsync(TimeSpan.FromSeconds(node.MaxSeconds), "#", ct);
                if (recording.Duration < MinRecording)
                {
                    media.Discard(recording);
                    await PlayAsync([node.EmptyPrompt], bargeIn: false);
                    continue;
                }
                _recording = recording;
                media.ClearDigits();
                var pending = false;
                var replays = 0;
                for (var attempt = 1; attempt <= node.MaxAttempts; attempt++)
                {
                    var key = pending
                        ? await media.CollectDigitsAsync(1, answerTimeout, answerTimeout, "", ct)
                        : await AskAsync([node.ConfirmPrompt], 1, answerTimeout, answerTimeout, "");
                    pending = false;
                    switch (key)
                    {
                        case "1":
                            Log.LogDebug("Call {CallId} confirmed a {Kind} recording of {Seconds} s", call.CallId, node.Kind, recording.Duration.TotalSeconds);
                            return Step.Go(node.Next);
                        case "2" when replays < MaxReplays:
                            replays++;
                            attempt--; // listening again is not a failed answer
                            pending = await media.PlayRecordingAsync(recording, bargeIn: true, ct) is not null;
                            break;
                        case "3":
                            return await CancelRecordingAsync(node);
                        default:
                            media.ClearDigits();
                            break;
                    }
                }
                return await CancelRecordingAsync(node);
            }
            await PlayAsync([node.CancelledPrompt], bargeIn: false);
            return Step.Go(node.Cancelled);
        }

        private async Task<Step> CancelRecordingAsync(RecordNode node)
        {
            if (_recording is not null) media.Discard(_recording);
            _recording = null;
            await PlayAsync([node.CancelledPrompt], bargeIn: false);
            return Step.Go(node.Cancelled);
        }

        private async Task<Step> CreateTicketAsync(CreateTicketNode node)
        {
            if (_recording is null)
            {
                Log.LogError("IVR node {NodeId} creates an order but call {CallId} has no confirmed recording", node.Id, call.CallId);
                await PlayAsync([node.FailedPrompt], bargeIn: false);
                return Step.Go(node.Failure);
            }
            string number;
            try
            {
                number = await services.CreateTicketAsync(new IvrTicketRequest(call, node.Channel, node.Kind, node.Category, _recording), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The caller is still on the line: say so and hand them to a person rather than lose the matter.
                Log.LogError(e, "Call {CallId} could not register its IVR order", call.CallId);
                await PlayAsync([node.FailedPrompt], bargeIn: false);
                return Step.Go(node.Failure);
            }
            _recording = null; // kept by the order now
            _ticketNumber = number;
            Log.LogInformation("Call {CallId} registered work order {TicketNumber} in the IVR", call.CallId, number);
            await PlayAsync([node.AnnouncePrompt, .. DigitNames(number), node.RepeatPrompt, .. DigitNames(number), node.AfterPrompt], bargeIn: false);
            return Step.Go(node.Next);
        }

        private async Task<Step> LookUpAsync(TicketLookupNode node)
        {
            var first = TimeSpan.FromSeconds(node.TimeoutSeconds);
            var inter = TimeSpan.FromSeconds(node.InterDigitTimeoutSeconds);
            for (var attempt = 1; attempt <= node.MaxAttempts; attempt++)
            {
                media.ClearDigits();
                var number = await AskAsync(node.Prompts, node.Digits, first, inter, "#");
                if (number.Length == 0) continue;
                if (!TicketNumber.IsValid(number, node.Digits))
                {
                    // Damm catches every single mistyped digit and every swap of neighbours before the caller confirms.
                    media.ClearDigits();
                    await PlayAsync([node.InvalidPrompt], bargeIn: false);
                    continue;
                }
                media.ClearDigits();
                var answer = await AskAsync([node.ReadBackPrompt, .. DigitNames(number), node.ConfirmPrompt], 1, first, first, "");
                if (answer != "1") continue;

                IvrTicketStatus? status;
                try
                {
                    status = await services.LookUpTicketAsync(number, call.CallerNumber, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.LogError(e, "Call {CallId} could not look up work order {TicketNumber}", call.CallId, number);
                    return Step.Go(node.Fallback);
                }
                if (status is null)
                {
                    await PlayAsync([node.NotFoundPrompt], bargeIn: false);
                    continue;
                }
                switch (status.Progress)
                {
                    case IvrTicketProgress.Accepted:
                        await PlayAsync([node.AcceptedPrompt], bargeIn: true);
                        break;
                    case IvrTicketProgress.InProgress:
                        await PlayAsync([node.InProgressPrompt], bargeIn: true);
                        break;
                    case IvrTicketProgress.Replied when status.CallerIsFiler && !string.IsNullOrWhiteSpace(status.Reply):
                        await PlayAsync([node.RepliedPrompt], bargeIn: false);
                        await media.SpeakAsync(status.Reply, _flow.Language, bargeIn: true, ct);
                        break;
                    default:
                        await PlayAsync([node.RepliedPrivatePrompt], bargeIn: true);
                        break;
                }
                media.ClearDigits();
                return Step.Go(node.Next);
            }
            return Step.Go(node.Fallback);
        }

        private async Task<Step> EnqueueAsync(EnqueueNode node)
        {
            await PlayAsync(node.Prompts, bargeIn: false);
            var entered = await services.EnqueueAsync(call.CallId, node.QueueId, node.Priority, ct);
            if (!entered.Accepted)
            {
                return entered.RefusedTo == QueueExitDestination.Callback
                    ? new Step(null, new IvrOutcome(IvrOutcomeKind.Callback, "queue_full", node.Id, _ticketNumber))
                    : new Step(null, new IvrOutcome(IvrOutcomeKind.Voicemail, "queue_full", node.Id, _ticketNumber));
            }
            _waitingInQueue = true;
            var every = node.AnnounceEverySeconds > 0 ? TimeSpan.FromSeconds(node.AnnounceEverySeconds) : TimeSpan.FromHours(1);
            QueuePosition? position = entered;
            while (true)
            {
                if (node.AnnounceEverySeconds > 0 || node.CallbackHintPrompt is not null) await AnnounceAsync(node, position);
                media.StartWaitingMusic(_language);
                var key = await media.CollectDigitsAsync(1, every, every, "", ct);
                if (key.Length > 0 && key == node.CallbackDigit)
                {
                    // Say it before asking: the callback hangs the call up.
                    await PlayAsync([node.CallbackConfirmedPrompt], bargeIn: false);
                    _callbackRequested = true;
                    await services.RequestCallbackAsync(call.CallId, ct);
                    return Step.End(new IvrOutcome(IvrOutcomeKind.Callback, "callback_requested", node.Id, _ticketNumber));
                }
                position = await services.GetQueuePositionAsync(call.CallId, ct);
                if (position is null) return Step.End(new IvrOutcome(IvrOutcomeKind.Queued, "left_queue", node.Id, _ticketNumber));
            }
        }

        private Task AnnounceAsync(EnqueueNode node, QueuePosition? position)
        {
            var prompts = new List<string?>();
            if (node.AnnounceEverySeconds > 0 && position is not null)
            {
                prompts.AddRange([node.PositionBeforePrompt, .. CountNames(Math.Max(0, position.Position - 1)), node.PositionAfterPrompt]);
                if (position.EstimatedWaitSeconds > 0)
                    prompts.AddRange([node.WaitBeforePrompt, .. CountNames((position.EstimatedWaitSeconds + 59) / 60), node.WaitAfterPrompt]);
            }
            if (node.CallbackDigit is not null) prompts.Add(node.CallbackHintPrompt);
            return PlayAsync(prompts, bargeIn: true);
        }

        private async Task<Step> VoicemailAsync(VoicemailNode node)
        {
            await PlayAsync(node.Prompts, bargeIn: true);
            media.ClearDigits();
            await PlayAsync([node.BeepPrompt], bargeIn: false);
            var recording = await media.RecordAsync(TimeSpan.FromSeconds(node.MaxSeconds), "#", ct);
            if (recording.Duration < MinRecording)
            {
                media.Discard(recording);
                return Step.End(await EndAsync(CallState.Ended, "voicemail_empty"));
            }
            _recording = recording;
            await services.KeepVoicemailAsync(call, recording, ct);
            _recording = null;
            await PlayAsync([node.SavedPrompt], bargeIn: false);
            return Step.End(await EndAsync(CallState.Voicemail, node.Reason, IvrOutcomeKind.Voicemail));
        }

        private async Task<Step> TransferAsync(TransferNode node)
        {
            await PlayAsync(node.Prompts, bargeIn: false);
            if (node.Target == IvrTransferKind.Queue)
            {
                var entered = await services.EnqueueAsync(call.CallId, node.To, 0, ct);
                return Step.End(new IvrOutcome(entered.Accepted ? IvrOutcomeKind.Queued : IvrOutcomeKind.Voicemail,
                    entered.Accepted ? "ivr_transfer_queue" : "queue_full", node.Id, _ticketNumber));
            }
            var number = node.Target == IvrTransferKind.Department
                ? await services.GetDepartmentPhoneAsync(node.To, ct)
                : node.To;
            if (string.IsNullOrEmpty(number) || !await media.TransferAsync(number, ct))
            {
                Log.LogWarning("Call {CallId} could not be transferred to {Target} {To}", call.CallId, node.Target, node.To);
                return Step.Go(node.Failure);
            }
            return Step.End(await EndAsync(CallState.Ended, "ivr_transfer", IvrOutcomeKind.Transferred));
        }

        private async Task<Step> TimeSwitchAsync(TimeSwitchNode node) =>
            Step.Go(await services.IsWorkingTimeAsync(ct) ? node.Open : node.Closed);

        private async Task<Step> PollAsync(PollNode node)
        {
            var timeout = TimeSpan.FromSeconds(node.TimeoutSeconds);
            for (var attempt = 1; attempt <= node.MaxAttempts; attempt++)
            {
                media.ClearDigits();
                var key = await AskAsync(node.Prompts, 1, timeout, timeout, "");
                if (key.Length == 1 && key[0] is >= '1' and <= '9' && key[0] - '0' <= node.Choices)
                {
                    try
                    {
                        await services.RecordPollAnswerAsync(node.PollId, call.CallId, key[0] - '0', ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One lost answer must not cost the caller the rest of the call.
                        Log.LogWarning(e, "Call {CallId} could not record its answer to poll {PollId}", call.CallId, node.PollId);
                    }
                    await PlayAsync([node.ThanksPrompt], bargeIn: false);
                    return Step.Go(node.Next);
                }
                await PlayAsync([node.InvalidPrompt], bargeIn: false);
            }
            return Step.Go(node.Next);
        }

        private async Task<Step> HangupAsync(HangupNode node)
        {
            await PlayAsync(node.Prompts, bargeIn: false);
            return Step.End(await EndAsync(CallState.Ended, node.Reason));
        }

        private async Task<IvrOutcome> EndAsync(CallState final, string reason, IvrOutcomeKind kind = IvrOutcomeKind.Ended)
        {
            await services.EndCallAsync(call.CallId, final, reason, ct);
            return new IvrOutcome(kind, reason, _node, _ticketNumber);
        }

        /// <summary>Plays the prompts (then collects): a key pressed during them is the first of the answer.</summary>
        private async Task<string> AskAsync(IReadOnlyList<string?> prompts, int maxDigits, TimeSpan first, TimeSpan inter, string terminators)
        {
            await PlayAsync(prompts, bargeIn: true);
            return await media.CollectDigitsAsync(maxDigits, first, inter, terminators, ct);
        }

        private async Task PlayAsync(IReadOnlyList<string?> names, bool bargeIn)
        {
            var refs = names.OfType<string>().Select(Prompt).ToList();
            if (refs.Count > 0) await media.PlayAsync(refs, bargeIn, ct);
        }

        /// <summary>The prompt in the caller's language when the catalogue has it there, else in the flow's.</summary>
        private PromptRef Prompt(string name) =>
            _language != _flow.Language && Catalog is not null && Catalog.Contains(new PromptRef(_language, name))
                ? new PromptRef(_language, name)
                : new PromptRef(_flow.Language, name);

        /// <summary>A number read digit by digit (acceptance numbers: 1 is 幺 in zh).</summary>
        private static IEnumerable<string> DigitNames(string digits) => digits.Select(d => $"digit_{d}");

        /// <summary>A count read as a number: 二十三 in zh when the catalogue has the numerals, digit by digit otherwise.</summary>
        private IEnumerable<string> CountNames(int count)
        {
            var language = Prompt("num_10").Language;
            if (count >= 100 || Catalog is null || !Catalog.Contains(new PromptRef(language, "num_10")))
                return DigitNames(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (count <= 10) return [$"num_{count}"];
            var tens = count / 10;
            var ones = count % 10;
            return [.. tens > 1 ? [$"num_{tens}"] : Array.Empty<string>(), "num_10", .. ones > 0 ? [$"num_{ones}"] : Array.Empty<string>()];
        }
    }
}
