using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Hotline.LoadTest.Reporting;

/// <summary>The machine and build a figure was measured on; a figure without them cannot be compared.</summary>
public sealed record MachineInfo
{
    public required int ProcessorCount { get; init; }
    public required double MemoryGib { get; init; }
    public required string Os { get; init; }
    public required string Kernel { get; init; }
    public required string Runtime { get; init; }
    public required string Gc { get; init; }
    public string? Commit { get; init; }
    /// <summary>True when tracked files differ from the commit, so the figure is of uncommitted code.</summary>
    public bool? UncommittedChanges { get; init; }

    public static MachineInfo Current() => new()
    {
        ProcessorCount = Environment.ProcessorCount,
        MemoryGib = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        Os = RuntimeInformation.OSDescription,
        Kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString,
        Runtime = RuntimeInformation.FrameworkDescription,
        Gc = GCSettings.IsServerGC ? "server" : "workstation",
        Commit = Git("rev-parse --short HEAD")?.Trim(),
        UncommittedChanges = Git("--no-optional-locks status --porcelain --untracked-files=no") is { } status ? status.Length > 0 : null,
    };

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{ProcessorCount} cores, {MemoryGib} GiB, {Os} (kernel {Kernel}), {Runtime}, {Gc} GC, commit {Commit ?? "unknown"}{(UncommittedChanges == true ? " + uncommitted changes" : "")}");

    /// <summary>Runs a read-only git command in the working folder; null when git or the repository is missing.</summary>
    private static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit(5000);
            return git.HasExited && git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
