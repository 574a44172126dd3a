using System.Collections.Concurrent;
using System.Diagnostics;
using Hotline.Departments;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;
using Hotline.Tickets;

namespace Hotline.LoadTest.Tickets;

/// <summary>
/// Work orders through their life cycle at a Poisson rate of operations: register (受理), dispatch (派单), sign
/// (签收), reply (答复) and return visit (回访). Each arrival picks an operation by weight and takes an order that
/// has reached the step before; when none has, it registers a new one, so the mix stays open-model.
/// </summary>
public sealed class TicketMix(IClusterClient client, TicketsOptions options)
{
    public const string Department = "bench-dept";
    public static readonly string[] Operations = ["create", "dispatch", "sign", "reply", "visit"];
    /// <summary>Share of arrivals per operation; a steady state in which most orders go the whole way.</summary>
    public static readonly double[] Weights = [0.28, 0.18, 0.18, 0.18, 0.18];
    private static readonly Actor Intake = TicketIntakes.By;
    /// <summary>The centre's dispatcher (派单员) dispatches and makes the return visit.</summary>
    private static readonly Actor Dispatcher = new("9800", "dispatcher", null);
    private static readonly Actor DepartmentUser = new("d9901", "department", Department);

    private readonly ITicketIntakeGrain _intake = client.GetGrain<ITicketIntakeGrain>(0);
    private readonly ConcurrentQueue<string>[] _ready = [new(), new(), new(), new()];
    private readonly Random _random = new(options.Seed);
    private readonly Lock _randomLock = new();
    private long _started;
    private long _sent;
    private long _failed;
    private long _inFlight;

    public Dictionary<string, Latency> Latencies { get; } = Operations.ToDictionary(o => o, _ => new Latency("us", 600_000_000), StringComparer.Ordinal);
    public ConcurrentDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    public ErrorLog Errors { get; } = new();
    public ConcurrentQueue<string> Acknowledged { get; } = new();
    public long Sent => Interlocked.Read(ref _sent);
    public long Failed => Interlocked.Read(ref _failed);
    public long InFlight => Interlocked.Read(ref _inFlight);
    public long Succeeded => Latencies.Values.Sum(l => l.Count);
    public TimeSpan Elapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    /// <summary>The department orders are dispatched to, handling the benchmark's category.</summary>
    public async Task PrepareAsync()
    {
        await client.GetGrain<IDepartmentGrain>(Department).SaveAsync(new DepartmentProfile { Name = "压测部门 (benchmark)", Categories = [TicketIntakes.Category] });
        await client.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).AddAsync(Department);
    }

    /// <summary>Picks the operation for a uniform sample in [0, 1): the weights' cumulative intervals.</summary>
    public static int Pick(double sample)
    {
        var cumulative = 0.0;
        for (var i = 0; i < Weights.Length; i++)
        {
            cumulative += Weights[i];
            if (sample < cumulative) return i;
        }
        return Weights.Length - 1;
    }

    public async Task<TimeSpan> RunOpenAsync(double rate, CancellationToken cancellationToken)
    {
        var arrivals = new PoissonArrivals(rate, new Random(options.Seed + 1));
        _started = Stopwatch.GetTimestamp();
        try
        {
            foreach (var offset in arrivals.Schedule(options.Duration))
            {
                var wait = offset - Stopwatch.GetElapsedTime(_started);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                double sample;
                lock (_randomLock) sample = _random.NextDouble();
                var op = Pick(sample);
                string? number = null;
                if (op > 0 && !_ready[op - 1].TryDequeue(out number)) op = 0;
                _ = RunOnceAsync(op, number, measured: offset >= options.Warmup);
            }
            var rest = options.Duration - Stopwatch.GetElapsedTime(_started);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: what was sent is drained and reported.
        }
        return Stopwatch.GetElapsedTime(_started);
    }

    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Grace.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0 && Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        return InFlight == 0;
    }

    private async Task RunOnceAsync(int op, string? number, bool measured)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        var name = Operations[op];
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            string done;
            if (op == 0)
            {
                TicketIntake intake;
                lock (_randomLock) intake = TicketIntakes.Next(_random);
                done = (await _intake.RegisterAsync(intake, Intake)).Number;
                Acknowledged.Enqueue(done);
            }
            else
            {
                var ticket = client.GetGrain<ITicketGrain>(number!);
                done = (op switch
                {
                    1 => await ticket.DispatchAsync(Department, [], "压测派单", Dispatcher),
                    2 => await ticket.SignAsync(DepartmentUser),
                    3 => await ticket.ReplyAsync("已按规定办理并答复市民。", DepartmentUser),
                    _ => await ticket.VisitAsync(Satisfaction.Satisfied, "市民表示满意", Dispatcher),
                }).Number;
            }
            if (measured) Latencies[name].Record((long)Stopwatch.GetElapsedTime(sentAt).TotalMicroseconds);
            Counts.AddOrUpdate(name, 1, (_, n) => n + 1);
            if (op < _ready.Length) _ready[op].Enqueue(done);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            Errors.Add(name, e);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
