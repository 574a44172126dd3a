using Hotline.Common;

namespace Hotline.Tests.Common;

public sealed class CoalescingWriterTests
{
    /// <summary>A storage write the test completes by hand, recording what it wrote and how many ran at once.</summary>
    private sealed class ManualStore
    {
        private readonly List<TaskCompletionSource> _pending = [];
        private int _running;

        public int State { get; set; }
        public List<int> Written { get; } = [];
        public int Started { get; private set; }
        public int MaxConcurrent { get; private set; }
        public int Running => _running;

        public Task WriteAsync()
        {
            Started++;
            _running++;
            MaxConcurrent = Math.Max(MaxConcurrent, _running);
            var snapshot = State;
            var completion = new TaskCompletionSource();
            _pending.Add(completion);
            return Finish(completion.Task, snapshot);
        }

        private async Task Finish(Task completion, int snapshot)
        {
            try
            {
                await completion;
                Written.Add(snapshot);
            }
            finally
            {
                _running--;
            }
        }

        public void CompleteNext() => TakeNext().SetResult();
        public void FailNext(Exception e) => TakeNext().SetException(e);

        private TaskCompletionSource TakeNext()
        {
            Assert.NotEmpty(_pending);
            var next = _pending[0];
            _pending.RemoveAt(0);
            return next;
        }
    }

    [Fact]
    public void A_write_requested_while_none_runs_starts_at_once_and_completes_with_it()
    {
        var store = new ManualStore { State = 1 };
        var writer = new CoalescingWriter(store.WriteAsync);

        var write = writer.WriteAsync();

        Assert.Equal(1, store.Started);
        Assert.False(write.IsCompleted);
        store.CompleteNext();
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal([1], store.Written);
    }

    [Fact]
    public async Task Requests_made_while_a_write_runs_are_served_by_one_follow_up_write_of_the_latest_state()
    {
        var store = new ManualStore { State = 1 };
        var writer = new CoalescingWriter(store.WriteAsync);

        var first = writer.WriteAsync();
        store.State = 2;
        var second = writer.WriteAsync();
        store.State = 3;
        var third = writer.WriteAsync();
        store.State = 4;
        var fourth = writer.WriteAsync();

        Assert.Equal(1, store.Started);
        store.CompleteNext();
        await first;
        Assert.False(second.IsCompleted); // durability: they wait for the write that includes their change

        await WaitUntil(() => store.Started == 2);
        store.CompleteNext();
        await Task.WhenAll(second, third, fourth);

        Assert.Equal(2, store.Started);
        Assert.Equal([1, 4], store.Written);
    }

    [Fact]
    public async Task Writes_never_overlap_however_many_requests_arrive()
    {
        var store = new ManualStore();
        var writer = new CoalescingWriter(store.WriteAsync);
        var requests = new List<Task>();

        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                store.State++;
                requests.Add(writer.WriteAsync());
            }
            await WaitUntil(() => store.Running == 1);
            store.CompleteNext();
        }
        await WaitUntil(() => store.Running == 1);
        store.CompleteNext();
        await Task.WhenAll(requests);

        Assert.Equal(1, store.MaxConcurrent);
        Assert.Equal(21, store.Started);
        Assert.Equal(store.State, store.Written[^1]);
    }

    [Fact]
    public async Task A_failed_follow_up_write_faults_every_request_it_served_and_the_writer_keeps_working()
    {
        var store = new ManualStore();
        var writer = new CoalescingWriter(store.WriteAsync);

        var first = writer.WriteAsync();
        var second = writer.WriteAsync();
        var third = writer.WriteAsync();
        store.CompleteNext();
        await first;
        await WaitUntil(() => store.Started == 2);
        store.FailNext(new InvalidOperationException("storage down"));

        Assert.Equal("storage down", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => third);

        var later = writer.WriteAsync();
        Assert.Equal(3, store.Started);
        store.CompleteNext();
        await later;
    }

    [Fact]
    public async Task A_failed_first_write_faults_its_caller_and_a_request_made_meanwhile_is_still_written()
    {
        var store = new ManualStore { State = 1 };
        var writer = new CoalescingWriter(store.WriteAsync);

        var first = writer.WriteAsync();
        store.State = 2;
        var second = writer.WriteAsync();
        store.FailNext(new InvalidOperationException("conflict"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await WaitUntil(() => store.Started == 2);
        store.CompleteNext();
        await second;
        Assert.Equal([2], store.Written);
    }

    [Fact]
    public async Task A_write_that_completes_synchronously_does_not_block_the_requests_after_it()
    {
        // An in-memory or cached store may finish a write without ever yielding.
        var writes = 0;
        var writer = new CoalescingWriter(() =>
        {
            writes++;
            return Task.CompletedTask;
        });

        await writer.WriteAsync();
        var second = writer.WriteAsync();
        var finished = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.Same(second, finished);
        await second;
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task A_write_that_throws_synchronously_does_not_block_the_requests_after_it()
    {
        var calls = 0;
        var writer = new CoalescingWriter(() => ++calls == 1
            ? throw new InvalidOperationException("bad state")
            : Task.CompletedTask);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync());
        var second = writer.WriteAsync();
        var finished = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.Same(second, finished);
        Assert.Equal(2, calls);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 5 s");
            await Task.Yield();
        }
    }
}
