using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Hotline.Tests.Deploy;

/// <summary>A fact that needs <c>kubectl</c> (Debian's package; test.sh installs it). Without it the test is reported as
/// skipped with the reason, never silently passed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (RenderedManifests.FindTool("kubectl") is null)
            Skip = "needs kubectl to render deploy/k8s (apt-get install kubectl; ./test.sh installs it)";
    }
}

/// <summary>A fact that needs <c>yamllint</c> (Debian's package; test.sh installs it).</summary>
public sealed class YamllintFactAttribute : FactAttribute
{
    public YamllintFactAttribute()
    {
        if (RenderedManifests.FindTool("yamllint") is null)
            Skip = "needs yamllint to lint deploy/k8s (apt-get install yamllint; ./test.sh installs it)";
    }
}

/// <summary>The Kubernetes objects <c>kubectl kustomize</c> renders from a folder of deploy/k8s, offline.</summary>
public sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<YamlMappingNode> objects) => Objects = objects;

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public static string RepositoryRoot { get; } = FindRoot();

    public static RenderedManifests Render(string folder)
    {
        var (exit, output, error) = Run("kubectl", "kustomize", Path.Combine(RepositoryRoot, folder));
        if (exit != 0) throw new InvalidOperationException($"kubectl kustomize {folder} failed: {error}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return new RenderedManifests(stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList());
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => Text(o, "kind") == kind);

    public YamlMappingNode Single(string kind, string name) => Objects.Single(o => Text(o, "kind") == kind && Text(o, "metadata", "name") == name);

    /// <summary>The pod templates of the workloads, by workload name.</summary>
    public IEnumerable<(string Workload, YamlMappingNode Template)> PodTemplates() =>
        Objects.Where(o => Text(o, "kind") is "Deployment" or "StatefulSet")
            .Select(o => (Text(o, "metadata", "name")!, (YamlMappingNode)Node(o, "spec", "template")!));

    public static YamlNode? Node(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out node)) return null;
        }
        return node;
    }

    public static string? Text(YamlNode? node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlMappingNode> Items(YamlNode? node, params string[] path) =>
        (Node(node, path) as YamlSequenceNode)?.Children.Cast<YamlMappingNode>() ?? [];

    public static Dictionary<string, string> Labels(YamlNode? node, params string[] path) =>
        (Node(node, path) as YamlMappingNode)?.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!)
        ?? [];

    public static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    public static (int Exit, string Output, string Error) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindTool(tool) ?? tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
