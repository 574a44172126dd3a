using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Hotline.Silo.Hosting;

/// <summary>Where the silo keeps its cluster membership, grain state and reminders.</summary>
public enum StorageMode
{
    /// <summary>PostgreSQL through ADO.NET: durable, several silos.</summary>
    AdoNet,
    /// <summary>In memory, one silo, for quick demos and tests only: nothing survives a restart.</summary>
    Memory,
}

/// <summary>The silo's settings (section <c>Hotline</c> for the cluster, <c>Hotline:Silo</c> for this process).</summary>
public sealed class SiloSettings : IValidatableObject
{
    [Required] public string ClusterId { get; set; } = "hotline";
    /// <summary>Grain state and reminders are keyed by it: never change it once data exists.</summary>
    [Required] public string ServiceId { get; set; } = "hotline";
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    /// <summary>The address other silos and clients reach this one at.</summary>
    [Required] public string AdvertisedAddress { get; set; } = "127.0.0.1";
    public StorageMode Storage { get; set; } = StorageMode.AdoNet;
    /// <summary>How often each silo looks for calls left on dead silos.</summary>
    [Range(1, 3600)] public int LostCallSweepSeconds { get; set; } = 30;
    /// <summary>Connections each silo may open to PostgreSQL, shared between Orleans and the read model.</summary>
    [Range(4, 1000)] public int MaxDatabaseConnections { get; set; } = 40;
    /// <summary>Whether the dashboard needs a signed-in supervisor or admin; by default it does outside Development.</summary>
    public bool? DashboardRequiresSignIn { get; set; }
    /// <summary>
    /// Silo identity from the pod (name, IP, namespace) through Orleans' Kubernetes hosting. Unset: on when the process runs
    /// in a pod that the manifests of deploy/k8s describe (KUBERNETES_SERVICE_HOST and POD_NAME both set), off elsewhere.
    /// </summary>
    public bool? KubernetesHosting { get; set; }
    /// <summary>
    /// On shutdown, how long the edge keeps talking calls going while it refuses new ones (503, so the SIP balancer
    /// tries another silo) before it hangs up what is left. 0: hang up at once (a developer's Ctrl-C).
    /// </summary>
    [Range(0, 3600)] public int DrainSeconds { get; set; }

    /// <summary>Whether Orleans' Kubernetes hosting is used, given the environment the process runs in.</summary>
    public bool UsesKubernetesHosting(Func<string, string?> environment) =>
        KubernetesHosting ?? (!string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && !string.IsNullOrEmpty(environment("POD_NAME")));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out _))
            yield return new ValidationResult($"'{AdvertisedAddress}' is not an IP address.", [nameof(AdvertisedAddress)]);
        if (SiloPort == GatewayPort)
            yield return new ValidationResult("the silo port and the gateway port must differ.", [nameof(GatewayPort)]);
        if (KubernetesHosting == true && Storage == StorageMode.Memory)
            yield return new ValidationResult("Kubernetes hosting needs the AdoNet storage: an in-memory silo has no cluster to join.", [nameof(KubernetesHosting)]);
    }
}
