using Hotline.Calendar;
using Hotline.Calls;
using Hotline.Departments;
using Hotline.Queues;
using Hotline.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Ivr;

/// <summary>
/// <see cref="IIvrServices"/> over the grains: the call grain for queueing and ending, the ticket intake and
/// ticket grains, the poll grains, the work calendar, and the silo's <see cref="IRecordingStore"/>. One instance
/// per silo serves every call (register it as a singleton).
/// </summary>
public sealed class GrainIvrServices(
    IGrainFactory grains,
    IRecordingStore recordings,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IOptions<IvrOptions> options,
    ILogger<GrainIvrServices> logger) : IIvrServices
{
    private readonly IvrOptions _options = options.Value;
    private readonly ServiceDay _serviceHours = options.Value.ParseServiceHours();
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public async Task<string> CreateTicketAsync(IvrTicketRequest request, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Round(request.Recording.Duration.TotalSeconds);
        var what = request.Channel == TicketChannel.MayorMailbox ? "市长信箱语音留言" : "语音导航投诉举报录音";
        var intake = new TicketIntake
        {
            Channel = request.Channel,
            Kind = request.Kind,
            Category = request.Category,
            Caller = new Caller(null, request.Call.CallerNumber),
            Summary = $"{what}（{seconds} 秒）",
            Content = $"来电人在语音导航中录音反映，录音 {request.Recording.Id}，时长 {seconds} 秒；请听录音后补充诉求内容和分类。",
            CallId = request.Call.CallId,
        };
        var ticket = await grains.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(intake, new Actor(_options.ActorJobNo, "integration", null));
        cancellationToken.ThrowIfCancellationRequested();
        var kind = request.Channel == TicketChannel.MayorMailbox ? "mayor_mailbox" : "complaint";
        await recordings.KeepAsync(request.Recording, request.Call.CallId, kind, ticket.Number, CancellationToken.None);
        await Call(request.Call.CallId).LinkTicketAsync(ticket.Number);
        return ticket.Number;
    }

    /// <summary>The portal's look-up (<see cref="PublicTicketLookup"/>): the same progress and the same filer rule.</summary>
    public async Task<IvrTicketStatus?> LookUpTicketAsync(string number, string? callerNumber, CancellationToken cancellationToken) =>
        await PublicTicketLookup.FindAsync(grains, number, callerNumber) is { } view
            ? new IvrTicketStatus(number, (IvrTicketProgress)view.Progress, view.IsFiler, view.Reply)
            : null;

    public async Task<QueuePosition> EnqueueAsync(string callId, string? queueId, int priority, CancellationToken cancellationToken)
    {
        var call = await Call(callId).EnqueueFromIvrAsync(queueId, priority);
        return call.State switch
        {
            CallState.Queued or CallState.Offering or CallState.Talking =>
                await Call(callId).GetQueuePositionAsync() ?? new QueuePosition(true, 0, 0, null),
            CallState.CallbackWaiting => new QueuePosition(false, 0, 0, QueueExitDestination.Callback),
            _ => new QueuePosition(false, 0, 0, QueueExitDestination.Voicemail),
        };
    }

    public Task SetLanguageAsync(string callId, string language, CancellationToken cancellationToken) => Call(callId).SetLanguageAsync(language);

    public Task<QueuePosition?> GetQueuePositionAsync(string callId, CancellationToken cancellationToken) =>
        Call(callId).GetQueuePositionAsync();

    public Task RequestCallbackAsync(string callId, CancellationToken cancellationToken) => Call(callId).RequestCallbackAsync();

    public Task RecordPollAnswerAsync(string pollId, string callId, int choice, CancellationToken cancellationToken) =>
        grains.GetGrain<IPollGrain>(pollId).AnswerAsync(callId, choice);

    public Task KeepVoicemailAsync(IvrCallContext call, IvrRecording recording, CancellationToken cancellationToken) =>
        recordings.KeepAsync(recording, call.CallId, "voicemail", null, CancellationToken.None);

    public async Task<string?> GetDepartmentPhoneAsync(string departmentId, CancellationToken cancellationToken)
    {
        try
        {
            var department = await grains.GetGrain<IDepartmentGrain>(departmentId).GetAsync();
            return department.Profile.Active ? department.Profile.Phone : null;
        }
        catch (DomainException e) when (e.Code == "department.not_found")
        {
            return null;
        }
    }

    public async Task<bool> IsWorkingTimeAsync(CancellationToken cancellationToken)
    {
        var years = await grains.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).GetAllAsync();
        var calendar = new WorkCalendar(years, WorkingHours.Default, _zone);
        return ServiceHours.IsOpen(calendar, _serviceHours, _options.ServiceOnDaysOff, time.GetUtcNow());
    }

    public Task EndCallAsync(string callId, CallState final, string reason, CancellationToken cancellationToken) =>
        Call(callId).EndInIvrAsync(reason, final);

    public void NodeEntered(string callId, int flowVersion, string nodeId) =>
        _ = NotifyNodeAsync(callId, flowVersion, nodeId);

    /// <summary>Whether a caller's number proves they filed an order from <paramref name="filer"/>: <see cref="PublicProgress.IsFiler"/>.</summary>
    public static bool SamePhone(string? caller, string? filer) => PublicProgress.IsFiler(filer, caller);

    private async Task NotifyNodeAsync(string callId, int flowVersion, string nodeId)
    {
        try
        {
            await Call(callId).SetIvrNodeAsync(flowVersion, nodeId);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // Only the supervisor wall's view of the IVR is at stake; the dialogue goes on.
            logger.LogDebug(e, "Call {CallId} could not show IVR node {NodeId}", callId, nodeId);
        }
    }

    private ICallGrain Call(string callId) => grains.GetGrain<ICallGrain>(callId);
}
