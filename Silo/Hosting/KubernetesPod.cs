using Hotline.Common;

namespace Hotline.Silo.Hosting;

/// <summary>What a silo in a Kubernetes pod needs from the downward API (deploy/k8s/silo.yaml sets it).</summary>
public static class KubernetesPod
{
    /// <summary>The variables Orleans' Kubernetes hosting reads: the pod's name and namespace name the silo and let it
    /// find its peers' pods; the IP is the address it advertises.</summary>
    public static IReadOnlyList<string> Variables { get; } = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];

    /// <summary>Throws one clear line when a variable is missing, instead of an options validation error at start.</summary>
    public static void RequireDownwardApi(Func<string, string?> environment)
    {
        var missing = Variables.Where(v => string.IsNullOrEmpty(environment(v))).ToList();
        if (missing.Count > 0)
            throw new ConfigurationException(
                $"Kubernetes hosting is on (Hotline:Silo:KubernetesHosting) but {string.Join(", ", missing)} is not set: set them from the pod's downward API, as deploy/k8s/silo.yaml does");
    }
}
