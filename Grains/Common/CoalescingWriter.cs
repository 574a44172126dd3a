namespace Hotline.Common;

/// <summary>
/// Serialises state writes of a reentrant grain: at most one write runs, and every request made while it
/// runs is served by a single follow-up write of the then-current state. Callers await durability.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task? _inFlight;
    private TaskCompletionSource? _queued;

    public Task WriteAsync()
    {
        if (_inFlight is null)
        {
            _inFlight = RunAsync(null);
            return _inFlight;
        }
        _queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queued.Task;
    }

    private async Task RunAsync(TaskCompletionSource? completion)
    {
        try
        {
            await write();
            completion?.TrySetResult();
        }
        catch (Exception e) when (completion is not null)
        {
            completion.TrySetException(e);
        }
        finally
        {
            var next = _queued;
            _queued = null;
            _inFlight = next is null ? null : RunAsync(next);
        }
    }
}
