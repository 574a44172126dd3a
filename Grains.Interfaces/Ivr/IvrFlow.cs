using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Tickets;

namespace Hotline.Ivr;

/// <summary>
/// The IVR voice menu (语音导航) as data: nodes that name each other by id, starting at <see cref="Start"/>.
/// Prompts are names in the prompt catalogue (<c>prompts/{language}/{name}.wav</c>), spoken in the caller's
/// language when the catalogue has it there, else in <see cref="Language"/>. Administrators edit it through
/// <c>PUT /api/ivr/flow</c>; every save is a new version and calls in progress keep the version they began with.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.IvrFlow")]
public sealed record IvrFlow
{
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>The node every call begins at.</summary>
    [Id(1)] public string Start { get; init; } = "";
    /// <summary>The language every prompt must exist in; other languages fall back to it prompt by prompt.</summary>
    [Id(2)] public string Language { get; init; } = "zh";
    [Id(3)] public IReadOnlyList<IvrNode> Nodes { get; init; } = [];

    public IvrNode? Find(string? id) => id is null ? null : Nodes.FirstOrDefault(n => n.Id == id);
}

/// <summary>One saved version of the flow; never changed once saved.</summary>
[GenerateSerializer, Immutable, Alias("hotline.IvrFlowVersion")]
public sealed record IvrFlowVersion(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset SavedAt,
    [property: Id(2)] string SavedBy,
    [property: Id(3)] IvrFlow Flow);

/// <summary>A version without its nodes, for the version list.</summary>
[GenerateSerializer, Immutable, Alias("hotline.IvrFlowVersionInfo")]
public sealed record IvrFlowVersionInfo(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset SavedAt,
    [property: Id(2)] string SavedBy,
    [property: Id(3)] string Name,
    [property: Id(4)] int NodeCount,
    [property: Id(5)] bool Current);

/// <summary>What is wrong with a flow: the node (null for the flow itself), the field, and why.</summary>
[GenerateSerializer, Immutable, Alias("hotline.IvrFlowIssue")]
public sealed record IvrFlowIssue(
    [property: Id(0)] string? NodeId,
    [property: Id(1)] string Field,
    [property: Id(2)] string Message)
{
    /// <summary>The key the API reports it under: <c>nodes[welcome].choices</c>, or the flow field.</summary>
    public string Path => NodeId is null ? Field : $"nodes[{NodeId}].{Field}";
}

/// <summary>A save: the new version, or the errors that refused it. Warnings never refuse a save.</summary>
[GenerateSerializer, Immutable, Alias("hotline.IvrFlowSaveResult")]
public sealed record IvrFlowSaveResult(
    [property: Id(0)] IvrFlowVersion? Version,
    [property: Id(1)] IReadOnlyList<IvrFlowIssue> Errors,
    [property: Id(2)] IReadOnlyList<IvrFlowIssue> Warnings);

/// <summary>The JSON form of flows (<c>prompts/flows/default.json</c> and the API): camelCase, <c>$type</c> names the node kind.</summary>
public static class IvrFlowJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static IvrFlow Parse(string json) =>
        JsonSerializer.Deserialize<IvrFlow>(json, Options) ?? throw new JsonException("The flow is null.");

    public static string Write(IvrFlow flow) => JsonSerializer.Serialize(flow, Options);
}

/// <summary>A node of the flow. <see cref="Id"/> is unique in the flow; other nodes name it to go there.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PlayNode), "play")]
[JsonDerivedType(typeof(MenuNode), "menu")]
[JsonDerivedType(typeof(CollectDigitsNode), "collect")]
[JsonDerivedType(typeof(RecordNode), "record")]
[JsonDerivedType(typeof(CreateTicketNode), "createTicket")]
[JsonDerivedType(typeof(TicketLookupNode), "ticketLookup")]
[JsonDerivedType(typeof(EnqueueNode), "enqueue")]
[JsonDerivedType(typeof(VoicemailNode), "voicemail")]
[JsonDerivedType(typeof(TransferNode), "transfer")]
[JsonDerivedType(typeof(TimeSwitchNode), "timeSwitch")]
[JsonDerivedType(typeof(PollNode), "poll")]
[JsonDerivedType(typeof(HangupNode), "hangup")]
[JsonDerivedType(typeof(GotoNode), "goto")]
[JsonDerivedType(typeof(LanguageNode), "language")]
[GenerateSerializer, Immutable, Alias("hotline.IvrNode")]
public abstract record IvrNode
{
    [Id(0)] public string Id { get; init; } = "";
    /// <summary>A label for the admin UI and the supervisor wall, e.g. "自助服务".</summary>
    [Id(1)] public string? Label { get; init; }

    /// <summary>The nodes this one can go to, with the field that names each.</summary>
    public abstract IEnumerable<(string Field, string? Target)> Branches();

    /// <summary>The prompts this node plays, with the field that names each.</summary>
    public abstract IEnumerable<(string Field, string? Prompt)> PromptNames();

    protected static IEnumerable<(string, string?)> Each(string field, IReadOnlyList<string>? prompts) =>
        (prompts ?? []).Select((p, i) => ($"{field}[{i}]", (string?)p));
}

/// <summary>Plays prompts, then goes on.</summary>
[GenerateSerializer, Immutable, Alias("hotline.PlayNode")]
public sealed record PlayNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public bool BargeIn { get; init; } = true;
    [Id(2)] public string? Next { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next)];
    public override IEnumerable<(string, string?)> PromptNames() => Each("prompts", Prompts);
}

/// <summary>A key the caller may press at a menu, and where it leads.</summary>
[GenerateSerializer, Immutable, Alias("hotline.MenuChoice")]
public sealed record MenuChoice([property: Id(0)] string Digit, [property: Id(1)] string Next);

/// <summary>
/// A menu (菜单): plays its prompts (interruptible), waits for one key. A key not listed plays
/// <see cref="InvalidPrompt"/>, silence plays <see cref="TimeoutPrompt"/>, and the menu is asked again, up to
/// <see cref="MaxAttempts"/> times in all; then the call goes to <see cref="Fallback"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.MenuNode")]
public sealed record MenuNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public IReadOnlyList<MenuChoice> Choices { get; init; } = [];
    [Id(2)] public int TimeoutSeconds { get; init; } = 5;
    [Id(3)] public int MaxAttempts { get; init; } = 3;
    [Id(4)] public string? InvalidPrompt { get; init; } = "invalid_input";
    [Id(5)] public string? TimeoutPrompt { get; init; } = "no_input";
    [Id(6)] public string? Fallback { get; init; }

    public override IEnumerable<(string, string?)> Branches() =>
        [.. Choices.Select((c, i) => ($"choices[{i}].next", (string?)c.Next)), ("fallback", Fallback)];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("invalidPrompt", InvalidPrompt), ("timeoutPrompt", TimeoutPrompt)];
}

/// <summary>Collects a string of digits into a variable of the call (e.g. an id number), ended by <see cref="Terminator"/>.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CollectDigitsNode")]
public sealed record CollectDigitsNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public string Variable { get; init; } = "";
    [Id(2)] public int MinDigits { get; init; } = 1;
    [Id(3)] public int MaxDigits { get; init; } = 1;
    [Id(4)] public int TimeoutSeconds { get; init; } = 8;
    [Id(5)] public int InterDigitTimeoutSeconds { get; init; } = 5;
    [Id(6)] public string Terminator { get; init; } = "#";
    [Id(7)] public int MaxAttempts { get; init; } = 3;
    [Id(8)] public string? InvalidPrompt { get; init; } = "invalid_input";
    [Id(9)] public string? Next { get; init; }
    [Id(10)] public string? Fallback { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next), ("fallback", Fallback)];
    public override IEnumerable<(string, string?)> PromptNames() => [.. Each("prompts", Prompts), ("invalidPrompt", InvalidPrompt)];
}

/// <summary>What a recording is for; the recording store files it under this kind.</summary>
[GenerateSerializer, Alias("hotline.IvrRecordingKind")]
public enum IvrRecordingKind
{
    /// <summary>A complaint or report (投诉举报) for a work order.</summary>
    Complaint = 0,
    /// <summary>A message to the mayor's mailbox (市长信箱).</summary>
    MayorMailbox = 1,
    /// <summary>A message left after hours or when nobody can answer (留言).</summary>
    Voicemail = 2,
}

/// <summary>
/// Records the caller: prompts, a beep, recording until <c>#</c> (or <see cref="MaxSeconds"/>), then
/// <see cref="ConfirmPrompt"/>: 1 confirm (→ <see cref="Next"/>, the recording stays with the call for a
/// following <see cref="CreateTicketNode"/>), 2 replay, 3 cancel (→ <see cref="Cancelled"/>). No answer after
/// <see cref="MaxAttempts"/> cancels too: an unconfirmed recording never becomes a work order.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.RecordNode")]
public sealed record RecordNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public IvrRecordingKind Kind { get; init; } = IvrRecordingKind.Complaint;
    [Id(2)] public int MaxSeconds { get; init; } = 180;
    [Id(3)] public string BeepPrompt { get; init; } = "beep";
    [Id(4)] public string ConfirmPrompt { get; init; } = "record_confirm";
    [Id(5)] public string? CancelledPrompt { get; init; } = "record_cancelled";
    [Id(6)] public string? EmptyPrompt { get; init; } = "record_empty";
    [Id(7)] public int TimeoutSeconds { get; init; } = 6;
    [Id(8)] public int MaxAttempts { get; init; } = 3;
    [Id(9)] public string? Next { get; init; }
    [Id(10)] public string? Cancelled { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next), ("cancelled", Cancelled)];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("beepPrompt", BeepPrompt), ("confirmPrompt", ConfirmPrompt),
         ("cancelledPrompt", CancelledPrompt), ("emptyPrompt", EmptyPrompt)];
}

/// <summary>
/// Registers a work order from the call's confirmed recording (IVR channel, or the mayor's mailbox) and
/// announces its 8-digit acceptance number (受理号) digit by digit, twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.CreateTicketNode")]
public sealed record CreateTicketNode : IvrNode
{
    [Id(0)] public TicketChannel Channel { get; init; } = TicketChannel.Ivr;
    [Id(1)] public TicketKind Kind { get; init; } = TicketKind.Complaint;
    /// <summary>The category the order starts in; an agent re-classifies it after listening.</summary>
    [Id(2)] public string Category { get; init; } = "";
    [Id(3)] public string AnnouncePrompt { get; init; } = "ticket_created";
    [Id(4)] public string? RepeatPrompt { get; init; } = "ticket_repeat";
    [Id(5)] public string? AfterPrompt { get; init; } = "ticket_remember";
    [Id(6)] public string? FailedPrompt { get; init; } = "ticket_failed";
    [Id(7)] public string? Next { get; init; }
    /// <summary>Where the call goes when the order cannot be registered (usually an agent).</summary>
    [Id(8)] public string? Failure { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next), ("failure", Failure)];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [("announcePrompt", AnnouncePrompt), ("repeatPrompt", RepeatPrompt), ("afterPrompt", AfterPrompt), ("failedPrompt", FailedPrompt)];
}

/// <summary>
/// Status query (工单查询): the caller keys the acceptance number and <c>#</c>; a number failing its check
/// digit is refused at once; the number is read back digit by digit, 1 confirms, 2 re-enters; then the status
/// (accepted, in progress, replied) and, to the caller who filed it, the reply.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.TicketLookupNode")]
public sealed record TicketLookupNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = ["query_enter_number"];
    [Id(1)] public int Digits { get; init; } = 8;
    [Id(2)] public int TimeoutSeconds { get; init; } = 10;
    [Id(3)] public int InterDigitTimeoutSeconds { get; init; } = 5;
    [Id(4)] public int MaxAttempts { get; init; } = 3;
    [Id(5)] public string InvalidPrompt { get; init; } = "query_number_invalid";
    [Id(6)] public string ReadBackPrompt { get; init; } = "query_you_entered";
    [Id(7)] public string ConfirmPrompt { get; init; } = "query_confirm";
    [Id(8)] public string NotFoundPrompt { get; init; } = "query_not_found";
    [Id(9)] public string AcceptedPrompt { get; init; } = "status_accepted";
    [Id(10)] public string InProgressPrompt { get; init; } = "status_in_progress";
    [Id(11)] public string RepliedPrompt { get; init; } = "status_replied";
    /// <summary>Said instead of the reply when the calling number is not the one the order was filed from.</summary>
    [Id(12)] public string RepliedPrivatePrompt { get; init; } = "status_replied_private";
    [Id(13)] public string? Next { get; init; }
    [Id(14)] public string? Fallback { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next), ("fallback", Fallback)];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("invalidPrompt", InvalidPrompt), ("readBackPrompt", ReadBackPrompt),
         ("confirmPrompt", ConfirmPrompt), ("notFoundPrompt", NotFoundPrompt), ("acceptedPrompt", AcceptedPrompt),
         ("inProgressPrompt", InProgressPrompt), ("repliedPrompt", RepliedPrompt), ("repliedPrivatePrompt", RepliedPrivatePrompt)];
}

/// <summary>
/// The human entry (人工服务): the call joins an ACD queue (null: the default queue, or the language queue of
/// the call's language) and leaves the IVR's menus; while it waits, its position and expected wait are
/// announced every <see cref="AnnounceEverySeconds"/>, and <see cref="CallbackDigit"/> turns it into a
/// callback task (排队回呼).
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.EnqueueNode")]
public sealed record EnqueueNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = ["transfer_to_agent"];
    [Id(1)] public string? QueueId { get; init; }
    [Id(2)] public int Priority { get; init; }
    /// <summary>0: never announce.</summary>
    [Id(3)] public int AnnounceEverySeconds { get; init; } = 30;
    /// <summary>Null: no callback offer.</summary>
    [Id(4)] public string? CallbackDigit { get; init; } = "*";
    [Id(5)] public string PositionBeforePrompt { get; init; } = "queue_position_before";
    [Id(6)] public string PositionAfterPrompt { get; init; } = "queue_position_after";
    [Id(7)] public string WaitBeforePrompt { get; init; } = "queue_wait_before";
    [Id(8)] public string WaitAfterPrompt { get; init; } = "queue_wait_after";
    [Id(9)] public string? CallbackHintPrompt { get; init; } = "queue_callback_hint";
    [Id(10)] public string? CallbackConfirmedPrompt { get; init; } = "callback_confirmed";

    public override IEnumerable<(string, string?)> Branches() => [];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("positionBeforePrompt", PositionBeforePrompt), ("positionAfterPrompt", PositionAfterPrompt),
         ("waitBeforePrompt", WaitBeforePrompt), ("waitAfterPrompt", WaitAfterPrompt),
         ("callbackHintPrompt", CallbackHintPrompt), ("callbackConfirmedPrompt", CallbackConfirmedPrompt)];
}

/// <summary>A message (留言): prompts, beep, record until <c>#</c>; kept with the caller's number; the call ends as voicemail.</summary>
[GenerateSerializer, Immutable, Alias("hotline.VoicemailNode")]
public sealed record VoicemailNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = ["after_hours"];
    [Id(1)] public int MaxSeconds { get; init; } = 180;
    [Id(2)] public string BeepPrompt { get; init; } = "beep";
    [Id(3)] public string? SavedPrompt { get; init; } = "voicemail_saved";
    /// <summary>The end reason on the call record.</summary>
    [Id(4)] public string Reason { get; init; } = "after_hours_voicemail";

    public override IEnumerable<(string, string?)> Branches() => [];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("beepPrompt", BeepPrompt), ("savedPrompt", SavedPrompt)];
}

/// <summary>Where a transfer goes.</summary>
[GenerateSerializer, Alias("hotline.IvrTransferKind")]
public enum IvrTransferKind
{
    /// <summary>An ACD queue of this centre (like <see cref="EnqueueNode"/> without announcements).</summary>
    Queue = 0,
    /// <summary>A department's phone number (台席转接), from its profile.</summary>
    Department = 1,
    /// <summary>An outside number, e.g. 12333 or 110 (热线联动).</summary>
    Number = 2,
}

/// <summary>Hands the call over and leaves the IVR.</summary>
[GenerateSerializer, Immutable, Alias("hotline.TransferNode")]
public sealed record TransferNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public IvrTransferKind Target { get; init; }
    /// <summary>The queue id, department id or number.</summary>
    [Id(2)] public string To { get; init; } = "";
    /// <summary>Where the call goes when the transfer cannot be made (no such department, no phone).</summary>
    [Id(3)] public string? Failure { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("failure", Failure)];
    public override IEnumerable<(string, string?)> PromptNames() => Each("prompts", Prompts);
}

/// <summary>Day or night service (日服/夜服): the centre's service hours on the work calendar's working days.</summary>
[GenerateSerializer, Immutable, Alias("hotline.TimeSwitchNode")]
public sealed record TimeSwitchNode : IvrNode
{
    [Id(0)] public string? Open { get; init; }
    [Id(1)] public string? Closed { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("open", Open), ("closed", Closed)];
    public override IEnumerable<(string, string?)> PromptNames() => [];
}

/// <summary>One question of an opinion poll (民意调查): the caller presses 1 to <see cref="Choices"/>; the answer is counted.</summary>
[GenerateSerializer, Immutable, Alias("hotline.PollNode")]
public sealed record PollNode : IvrNode
{
    [Id(0)] public string PollId { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(2)] public int Choices { get; init; } = 3;
    [Id(3)] public int TimeoutSeconds { get; init; } = 6;
    [Id(4)] public int MaxAttempts { get; init; } = 2;
    [Id(5)] public string? InvalidPrompt { get; init; } = "invalid_input";
    [Id(6)] public string? ThanksPrompt { get; init; } = "poll_thanks";
    [Id(7)] public string? Next { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next)];

    public override IEnumerable<(string, string?)> PromptNames() =>
        [.. Each("prompts", Prompts), ("invalidPrompt", InvalidPrompt), ("thanksPrompt", ThanksPrompt)];
}

/// <summary>Plays prompts and ends the call in the IVR (self-service done).</summary>
[GenerateSerializer, Immutable, Alias("hotline.HangupNode")]
public sealed record HangupNode : IvrNode
{
    [Id(0)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(1)] public string Reason { get; init; } = "ivr_self_service";

    public override IEnumerable<(string, string?)> Branches() => [];
    public override IEnumerable<(string, string?)> PromptNames() => Each("prompts", Prompts);
}

/// <summary>
/// Sets the caller's language (语种选择), e.g. English: from here on prompts play in it where they exist, and the call
/// waits in that language's queue for seats that speak it. <see cref="Prompts"/> play after the switch.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.LanguageNode")]
public sealed record LanguageNode : IvrNode
{
    [Id(0)] public string Language { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> Prompts { get; init; } = [];
    [Id(2)] public string? Next { get; init; }

    public override IEnumerable<(string, string?)> Branches() => [("next", Next)];
    public override IEnumerable<(string, string?)> PromptNames() => Each("prompts", Prompts);
}

/// <summary>Jumps to another node (跳转).</summary>
[GenerateSerializer, Immutable, Alias("hotline.GotoNode")]
public sealed record GotoNode : IvrNode
{
    [Id(0)] public string Target { get; init; } = "";

    public override IEnumerable<(string, string?)> Branches() => [("target", Target)];
    public override IEnumerable<(string, string?)> PromptNames() => [];
}
