using Microsoft.Diagnostics.Runtime;

// heapstat PID [TOP]: the live objects on the managed heap of a running .NET process (a silo), grouped by type,
// largest first, as tab-separated "bytes count type" lines after a "TOTAL objects bytes" line. Two snapshots (say an
// empty silo and the same silo with 4,000 idle seats) subtracted type by type say what each seat costs.
// The process is snapshotted (a fork), not stopped; live = reachable from the runtime's roots.
if (args.Length is < 1 or > 2 || !int.TryParse(args[0], out var pid))
{
    Console.Error.WriteLine("usage: dotnet run --project scripts/heapstat -c Release -- PID [TOP]");
    return 2;
}
var top = args.Length > 1 ? int.Parse(args[1]) : 60;

using var target = DataTarget.CreateSnapshotAndAttach(pid);
var clr = target.ClrVersions[0];
// The snapshot's runtime is this machine's: use its data-access library (ClrMD will not download one).
var dac = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libmscordaccore.so");
using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
var heap = runtime.Heap;

var live = new HashSet<ulong>();
var pending = new Stack<ulong>();
foreach (var root in heap.EnumerateRoots())
    if (root.Object.Address != 0 && live.Add(root.Object.Address)) pending.Push(root.Object.Address);
while (pending.Count > 0)
{
    var obj = heap.GetObject(pending.Pop());
    if (!obj.IsValid) continue;
    foreach (var child in obj.EnumerateReferenceAddresses(carefully: true))
        if (child != 0 && live.Add(child)) pending.Push(child);
}

var byType = new Dictionary<string, (long Count, long Bytes)>();
long total = 0;
foreach (var address in live)
{
    var obj = heap.GetObject(address);
    if (!obj.IsValid || obj.Type?.Name is not { } name) continue;
    var size = (long)obj.Size;
    total += size;
    var (count, bytes) = byType.GetValueOrDefault(name);
    byType[name] = (count + 1, bytes + size);
}
Console.WriteLine($"TOTAL\t{live.Count}\t{total}");
foreach (var (name, (count, bytes)) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(top))
    Console.WriteLine($"{bytes}\t{count}\t{name}");
return 0;
