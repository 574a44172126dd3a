namespace Hotline.Common;

/// <summary>
/// Serialises state writes of a reentrant grain: at most one write runs, and every request made while it
/// runs is served by a single follow-up write of the then-current state. Callers await durability.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    // A flag, not the running task: a write that completes synchronously must not leave a finished task
    // behind that makes every later request wait for a follow-up nobody starts.
    private bool _writing;
    private TaskCompletionSource? _queued;

    public Task WriteAsync()
    {
        if (!_writing) return RunAsync(null);
        _queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queued.Task;
    }

    private async Task RunAsync(TaskCompletionSource? completion)
    {
        _writing = true;
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
            _writing = false;
            var next = _queued;
            _queued = null;
            if (next is not null) _ = RunAsync(next); // its outcome goes to the requests it serves
        }
    }
}
