using Hotline.Calendar;
using Hotline.Calls;
using Hotline.Ivr;
using Hotline.Queues;
using Hotline.Tests.Calendar;
using Hotline.Tickets;

namespace Hotline.Tests.Ivr;

/// <summary>The rest of the hotline as the IVR sees it, in memory: orders, queue positions, polls, the real 2025/2026 calendar.</summary>
internal sealed class FakeIvrServices : IIvrServices
{
    private long _sequence = 4_200;

    /// <summary>Beijing time of the call: Monday 23 November 2026, 10:00, a working day in service hours.</summary>
    public DateTimeOffset Now { get; set; } = China.Bj(2026, 11, 23, 10);
    public Dictionary<string, (IvrTicketProgress Progress, string FiledFrom, string? Reply)> Tickets { get; } = [];
    public List<IvrTicketRequest> Created { get; } = [];
    public List<(string? QueueId, int Priority)> Enqueued { get; } = [];
    public QueuePosition EnqueueResult { get; set; } = new(true, 3, 90, null);
    /// <summary>Answers to successive position questions; null (or none left) means the call left the line.</summary>
    public Queue<QueuePosition?> Positions { get; } = new();
    public List<string> Callbacks { get; } = [];
    public Dictionary<(string Poll, int Choice), int> PollCounts { get; } = [];
    public List<IvrRecording> Voicemails { get; } = [];
    public List<(CallState Final, string Reason)> Ended { get; } = [];
    public List<string> Nodes { get; } = [];
    public List<string> Languages { get; } = [];
    public Exception? CreateFails { get; set; }
    public Exception? EnqueueFails { get; set; }

    /// <summary>Adds an order as if filed from <paramref name="filedFrom"/>; returns its valid number.</summary>
    public string AddTicket(IvrTicketProgress progress, string filedFrom, string? reply = null)
    {
        var number = TicketNumber.Format(++_sequence);
        Tickets[number] = (progress, filedFrom, reply);
        return number;
    }

    public Task<string> CreateTicketAsync(IvrTicketRequest request, CancellationToken cancellationToken)
    {
        if (CreateFails is not null) throw CreateFails;
        Created.Add(request);
        return Task.FromResult(AddTicket(IvrTicketProgress.Accepted, request.Call.CallerNumber ?? ""));
    }

    public Task<IvrTicketStatus?> LookUpTicketAsync(string number, string? callerNumber, CancellationToken cancellationToken)
    {
        if (!Tickets.TryGetValue(number, out var t)) return Task.FromResult<IvrTicketStatus?>(null);
        var filer = GrainIvrServices.SamePhone(callerNumber, t.FiledFrom);
        return Task.FromResult<IvrTicketStatus?>(new IvrTicketStatus(number, t.Progress, filer, filer ? t.Reply : null));
    }

    public Task<QueuePosition> EnqueueAsync(string callId, string? queueId, int priority, CancellationToken cancellationToken)
    {
        if (EnqueueFails is not null) throw EnqueueFails;
        Enqueued.Add((queueId, priority));
        return Task.FromResult(EnqueueResult);
    }

    public Task SetLanguageAsync(string callId, string language, CancellationToken cancellationToken)
    {
        Languages.Add(language);
        return Task.CompletedTask;
    }

    public Task<QueuePosition?> GetQueuePositionAsync(string callId, CancellationToken cancellationToken) =>
        Task.FromResult(Positions.TryDequeue(out var p) ? p : null);

    public Task RequestCallbackAsync(string callId, CancellationToken cancellationToken)
    {
        Callbacks.Add(callId);
        return Task.CompletedTask;
    }

    public Task RecordPollAnswerAsync(string pollId, string callId, int choice, CancellationToken cancellationToken)
    {
        PollCounts[(pollId, choice)] = PollCounts.GetValueOrDefault((pollId, choice)) + 1;
        return Task.CompletedTask;
    }

    public Task KeepVoicemailAsync(IvrCallContext call, IvrRecording recording, CancellationToken cancellationToken)
    {
        Voicemails.Add(recording);
        return Task.CompletedTask;
    }

    public Task<string?> GetDepartmentPhoneAsync(string departmentId, CancellationToken cancellationToken) =>
        Task.FromResult(departmentId == "housing" ? "051188880000" : null);

    public Task<bool> IsWorkingTimeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ServiceHours.IsOpen(China.Calendar2025And2026, new IvrOptions().ParseServiceHours(), false, Now));

    public Task EndCallAsync(string callId, CallState final, string reason, CancellationToken cancellationToken)
    {
        Ended.Add((final, reason));
        return Task.CompletedTask;
    }

    public void NodeEntered(string callId, int flowVersion, string nodeId) => Nodes.Add(nodeId);
}
