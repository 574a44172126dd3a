using System.Diagnostics;
using System.Text;

namespace Hotline.Tests;

/// <summary>
/// A child process a test starts (a hotline host, a softphone, Kamailio): what it prints is kept for the failure
/// message, and at the end it is killed with its children and its scratch folder, if it has one, removed.
/// </summary>
public abstract class ToolProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    /// <param name="child">Started with standard output and error redirected, not yet read.</param>
    protected ToolProcess(Process child, DirectoryInfo? folder = null)
    {
        Child = child;
        Folder = folder;
        child.OutputDataReceived += (_, e) => Append(e.Data);
        child.ErrorDataReceived += (_, e) => Append(e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
    }

    protected Process Child { get; }
    protected DirectoryInfo? Folder { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The last <paramref name="characters"/> of the output (a chatty process's failure message stays readable).</summary>
    public string OutputTail(int characters)
    {
        lock (_output) return _output.Length > characters ? _output.ToString()[^characters..] : _output.ToString();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (!Child.HasExited)
        {
            Child.Kill(entireProcessTree: true);
            await Child.WaitForExitAsync();
        }
        Child.Dispose();
        Folder?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
