using System.Text.Json;
using Hotline.Tickets;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Open311;

/// <summary>What waits in <c>open311_requests.pending</c>: the validated intake and the account whose key sent it.</summary>
public sealed record Open311Pending(TicketIntake Intake, string Account);

/// <summary>
/// Turns pending Open311 requests into work orders: at once for a synchronous POST (<see cref="CreateAsync"/>),
/// and in the background for asynchronous ones and for any that a stopped process left pending.
/// </summary>
public sealed partial class Open311Worker(
    Open311Store store, IClusterClient cluster, IOptions<Open311Options> options, TimeProvider time, ILogger<Open311Worker> logger)
    : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The work order of <paramref name="token"/>'s request, created now unless it exists.</summary>
    public Task<string?> CreateAsync(string token, CancellationToken ct) => store.CreatePendingAsync(token, RegisterAsync, ct);

    /// <summary>Asks the background loop to look now.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.Available) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake).Task;
            try
            {
                while (await store.CreatePendingAsync(null, RegisterAsync, stoppingToken) is { } number)
                    LogCreated(logger, number);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database or the cluster is away: the rows stay pending and the next round tries again.
                LogFailed(logger, e);
            }
            try
            {
                await Task.WhenAny(wake, Task.Delay(options.Value.WorkerInterval, time, stoppingToken));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string> RegisterAsync(string pending)
    {
        var request = JsonSerializer.Deserialize<Open311Pending>(pending)
            ?? throw new InvalidOperationException("An Open311 request's pending intake is empty.");
        // Registered as the integration account whose key sent it, so the history says who.
        var actor = new Actor(request.Account, Auth.Roles.Integration, null);
        return (await cluster.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(request.Intake, actor)).Number;
    }

    [LoggerMessage(LogLevel.Information, "Open311 request registered as work order {TicketNumber}")]
    private static partial void LogCreated(ILogger logger, string ticketNumber);

    [LoggerMessage(LogLevel.Warning, "Open311 requests could not be registered now; they stay pending")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
