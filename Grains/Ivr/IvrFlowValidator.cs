using System.Text.RegularExpressions;
using Hotline.Tickets;

namespace Hotline.Ivr;

/// <summary>
/// Checks a flow before it is saved. Errors refuse the save: a branch to a node that does not exist, a missing
/// start, duplicate or malformed ids, a prompt the catalogue lacks in the flow's language, a digit that is not a
/// phone key, a non-positive timeout, an out-of-range setting, and a human entry (a queue) more than
/// <see cref="MaxMenuLevelsToAgent"/> menu levels from the start (DOMAIN.md: "at most two menu levels deep").
/// Warnings do not refuse it: nodes no path reaches (harmless, often a branch being built) and a flow with no way
/// to an agent at all (a deliberate all-voicemail night flow is allowed).
/// </summary>
public sealed partial class IvrFlowValidator(IPromptCatalog prompts)
{
    public const int MaxNodes = 500;
    public const int MaxMenuLevelsToAgent = 2;
    private const string Keys = "0123456789*#";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>A language code as calls, seats and queues keep it: lower case, like <c>en</c> or <c>yue-hk</c>.</summary>
    public static bool IsLanguageCode(string? code) => code is not null && LanguagePattern().IsMatch(code);

    [GeneratedRegex("^[a-z]{2,3}(-[a-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^\+?[0-9]{3,20}$")]
    private static partial Regex PhonePattern();

    /// <summary>The issues of <paramref name="flow"/>; <paramref name="categories"/>, when given, are the category ids a new order may take.</summary>
    public IvrFlowSaveResult Validate(IvrFlow flow, IReadOnlySet<string>? categories = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var errors = new List<IvrFlowIssue>();
        var warnings = new List<IvrFlowIssue>();
        void Error(string? node, string field, string message) => errors.Add(new IvrFlowIssue(node, field, message));

        var nodes = flow.Nodes ?? [];
        if (nodes.Count == 0) Error(null, "nodes", "A flow needs at least one node.");
        if (nodes.Count > MaxNodes) Error(null, "nodes", $"At most {MaxNodes} nodes.");
        if (string.IsNullOrWhiteSpace(flow.Language) || !prompts.Names.ContainsKey(flow.Language))
            Error(null, "language", $"Unknown prompt language '{flow.Language}'; known: {string.Join(", ", prompts.Names.Keys)}.");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node is null)
            {
                Error(null, $"nodes[{i}]", "A node is null.");
                continue;
            }
            if (!IdPattern().IsMatch(node.Id ?? ""))
                Error(null, $"nodes[{i}].id", $"'{node.Id}' is not a node id: 1 to 64 of a-z 0-9 _ -, starting with a letter or digit.");
            else if (!ids.Add(node.Id!))
                Error(node.Id, "id", $"Two nodes have the id '{node.Id}'.");
        }
        if (string.IsNullOrEmpty(flow.Start)) Error(null, "start", "The flow needs a start node.");
        else if (!ids.Contains(flow.Start)) Error(null, "start", $"The start node '{flow.Start}' does not exist.");

        foreach (var node in nodes.Where(n => n is not null && IdPattern().IsMatch(n.Id ?? "")))
        {
            foreach (var (field, target) in node.Branches())
            {
                if (target is null) continue;
                if (!ids.Contains(target)) Error(node.Id, field, $"Goes to '{target}', which is not a node of this flow.");
                else if (target == node.Id && node is GotoNode) Error(node.Id, field, "A goto to itself never ends.");
            }
            if (flow.Language is { } language && prompts.Names.ContainsKey(language))
            {
                foreach (var (field, prompt) in node.PromptNames())
                {
                    if (prompt is null) continue;
                    if (!prompts.Contains(new PromptRef(language, prompt)))
                        Error(node.Id, field, $"The prompt '{language}/{prompt}' is not in the prompt catalogue (GET /api/ivr/prompts).");
                }
            }
            CheckNode(node, categories, (field, message) => Error(node.Id, field, message));
        }

        if (errors.Count == 0) CheckPaths(flow, errors, warnings);
        return new IvrFlowSaveResult(null, errors, warnings);
    }

    private static void CheckNode(IvrNode node, IReadOnlySet<string>? categories, Action<string, string> error)
    {
        void Range(int value, int min, int max, string field)
        {
            if (value < min || value > max) error(field, $"Must be between {min} and {max}; it is {value}.");
        }
        void Key(string? digit, string field, bool required)
        {
            if (digit is null)
            {
                if (required) error(field, "Required.");
                return;
            }
            if (digit.Length != 1 || !Keys.Contains(digit[0], StringComparison.Ordinal)) error(field, $"'{digit}' is not a phone key (0-9, *, #).");
        }

        switch (node)
        {
            case PlayNode play:
                if (play.Prompts.Count == 0) error("prompts", "A play node needs at least one prompt.");
                break;
            case MenuNode menu:
                if (menu.Prompts.Count == 0) error("prompts", "A menu needs a prompt that says its choices.");
                if (menu.Choices.Count == 0) error("choices", "A menu needs at least one choice.");
                var digits = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < menu.Choices.Count; i++)
                {
                    Key(menu.Choices[i].Digit, $"choices[{i}].digit", required: true);
                    if (menu.Choices[i].Digit is { } d && !digits.Add(d)) error($"choices[{i}].digit", $"The key '{d}' is used twice.");
                    if (string.IsNullOrEmpty(menu.Choices[i].Next)) error($"choices[{i}].next", "Required.");
                }
                Range(menu.TimeoutSeconds, 1, 60, "timeoutSeconds");
                Range(menu.MaxAttempts, 1, 10, "maxAttempts");
                break;
            case CollectDigitsNode collect:
                if (string.IsNullOrWhiteSpace(collect.Variable)) error("variable", "Required.");
                Range(collect.MaxDigits, 1, 32, "maxDigits");
                Range(collect.MinDigits, 1, Math.Max(1, collect.MaxDigits), "minDigits");
                Range(collect.TimeoutSeconds, 1, 60, "timeoutSeconds");
                Range(collect.InterDigitTimeoutSeconds, 1, 60, "interDigitTimeoutSeconds");
                Range(collect.MaxAttempts, 1, 10, "maxAttempts");
                if (collect.Terminator is not ("" or "#" or "*")) error("terminator", "Must be '#', '*' or empty.");
                break;
            case RecordNode record:
                Range(record.MaxSeconds, 1, 600, "maxSeconds");
                Range(record.TimeoutSeconds, 1, 60, "timeoutSeconds");
                Range(record.MaxAttempts, 1, 10, "maxAttempts");
                if (record.Kind == IvrRecordingKind.Voicemail) error("kind", "Use a voicemail node for messages; a record node is for complaints and the mayor's mailbox.");
                break;
            case CreateTicketNode ticket:
                if (ticket.Channel is not (TicketChannel.Ivr or TicketChannel.MayorMailbox))
                    error("channel", "An order registered in the IVR comes in on the ivr or mayorMailbox channel.");
                if (string.IsNullOrWhiteSpace(ticket.Category)) error("category", "Required: the category the order starts in.");
                else if (categories is not null && !categories.Contains(ticket.Category))
                    error("category", $"Unknown category '{ticket.Category}'; see GET /api/catalogue.");
                break;
            case TicketLookupNode lookup:
                Range(lookup.Digits, TicketNumber.MinLength, TicketNumber.MaxLength, "digits");
                Range(lookup.TimeoutSeconds, 1, 60, "timeoutSeconds");
                Range(lookup.InterDigitTimeoutSeconds, 1, 60, "interDigitTimeoutSeconds");
                Range(lookup.MaxAttempts, 1, 10, "maxAttempts");
                break;
            case EnqueueNode enqueue:
                if (enqueue.QueueId is { } queue && !IdPattern().IsMatch(queue)) error("queueId", $"'{queue}' is not a queue id.");
                Range(enqueue.Priority, 0, 100, "priority");
                if (enqueue.AnnounceEverySeconds != 0) Range(enqueue.AnnounceEverySeconds, 10, 600, "announceEverySeconds");
                Key(enqueue.CallbackDigit, "callbackDigit", required: false);
                break;
            case VoicemailNode voicemail:
                Range(voicemail.MaxSeconds, 1, 600, "maxSeconds");
                if (string.IsNullOrWhiteSpace(voicemail.Reason)) error("reason", "Required: the end reason on the call record.");
                break;
            case TransferNode transfer:
                if (string.IsNullOrWhiteSpace(transfer.To)) error("to", "Required.");
                else if (transfer.Target == IvrTransferKind.Number && !PhonePattern().IsMatch(transfer.To)) error("to", $"'{transfer.To}' is not a phone number.");
                else if (transfer.Target != IvrTransferKind.Number && !IdPattern().IsMatch(transfer.To)) error("to", $"'{transfer.To}' is not a {Names.Of(transfer.Target)} id.");
                break;
            case TimeSwitchNode timeSwitch:
                if (string.IsNullOrEmpty(timeSwitch.Open)) error("open", "Required: where calls go in service hours.");
                if (string.IsNullOrEmpty(timeSwitch.Closed)) error("closed", "Required: where calls go out of service hours.");
                break;
            case PollNode poll:
                if (!IdPattern().IsMatch(poll.PollId ?? "")) error("pollId", $"'{poll.PollId}' is not a poll id.");
                if (poll.Prompts.Count == 0) error("prompts", "A poll needs its question.");
                Range(poll.Choices, 1, 9, "choices");
                Range(poll.TimeoutSeconds, 1, 60, "timeoutSeconds");
                Range(poll.MaxAttempts, 1, 10, "maxAttempts");
                break;
            case HangupNode hangup:
                if (string.IsNullOrWhiteSpace(hangup.Reason)) error("reason", "Required: the end reason on the call record.");
                break;
            case GotoNode jump:
                if (string.IsNullOrEmpty(jump.Target)) error("target", "Required.");
                break;
            case LanguageNode language:
                if (!LanguagePattern().IsMatch(language.Language ?? "")) error("language", $"'{language.Language}' is not a language code like en or yue-hk.");
                break;
        }
    }

    /// <summary>Reachability (warnings) and the depth of the human entry: menus passed from the start (0-1 search).</summary>
    private static void CheckPaths(IvrFlow flow, List<IvrFlowIssue> errors, List<IvrFlowIssue> warnings)
    {
        var byId = flow.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var levels = new Dictionary<string, int>(StringComparer.Ordinal) { [flow.Start] = 0 };
        var work = new LinkedList<string>();
        work.AddFirst(flow.Start);
        while (work.First is { } first)
        {
            work.RemoveFirst();
            var node = byId[first.Value];
            var cost = node is MenuNode ? 1 : 0;
            foreach (var (_, target) in node.Branches())
            {
                if (target is null) continue;
                var level = levels[node.Id] + cost;
                if (levels.TryGetValue(target, out var known) && known <= level) continue;
                levels[target] = level;
                if (cost == 0) work.AddFirst(target);
                else work.AddLast(target);
            }
        }

        foreach (var node in flow.Nodes.Where(n => !levels.ContainsKey(n.Id)))
            warnings.Add(new IvrFlowIssue(node.Id, "id", "No path from the start reaches this node."));

        var humans = flow.Nodes.Where(n => levels.ContainsKey(n.Id) && n is EnqueueNode or TransferNode { Target: IvrTransferKind.Queue })
            .OrderBy(n => levels[n.Id]).ToList();
        if (humans.Count == 0)
            warnings.Add(new IvrFlowIssue(null, "nodes", "No path from the start reaches an agent (an enqueue node)."));
        else if (levels[humans[0].Id] > MaxMenuLevelsToAgent)
            errors.Add(new IvrFlowIssue(humans[0].Id, "id",
                $"The nearest agent entry is {levels[humans[0].Id]} menu levels from the start; it must be at most {MaxMenuLevelsToAgent}."));
    }
}
