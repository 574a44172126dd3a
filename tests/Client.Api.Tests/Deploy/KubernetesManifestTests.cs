extern alias silo;

using System.Text.RegularExpressions;
using Hotline.Api.Configuration;
using Hotline.Api.Hosting;
using Hotline.Common;
using Hotline.Edge;
using Microsoft.Extensions.Configuration;
using silo::Hotline.Silo.Hosting;
using YamlDotNet.RepresentationModel;
using static Hotline.Tests.Deploy.RenderedManifests;

namespace Hotline.Tests.Deploy;

/// <summary>
/// What a reviewer checks in deploy/k8s, on the objects <c>kubectl kustomize</c> renders (offline: nothing here runs on a
/// cluster). Each container is tied to the process it runs, so a probe, a variable or a port is checked against that
/// process's code and settings.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private const string Base = "deploy/k8s/base";
    private static readonly Lazy<RenderedManifests> Rendered = new(() => Render(Base));

    private static readonly Dictionary<string, string> RouteSources = new()
    {
        ["silo"] = "Silo/Hosting/SiloHealth.cs",
        ["api"] = "Client.Api/Health/HealthEndpoints.cs",
    };

    private static readonly Dictionary<string, SettingsKeys> Settings = new()
    {
        ["silo"] = new SettingsKeys(new Dictionary<string, Type>
        {
            ["Hotline"] = typeof(SiloSettings),
            ["Hotline:Silo"] = typeof(SiloSettings),
            ["Hotline:Telephony"] = typeof(TelephonySettings),
            ["Hotline:Grains"] = typeof(HotlineGrainOptions),
        }, Path.Combine(RepositoryRoot, "Silo", "appsettings.json")),
        ["api"] = new SettingsKeys(new Dictionary<string, Type>
        {
            ["Hotline"] = typeof(HotlineOptions),
            ["Hotline:Web"] = typeof(WebOptions),
        }, Path.Combine(RepositoryRoot, "Client.Api", "appsettings.json"),
            // Read by the web host (Urls) and by OptionsRegistration (GetConnectionString("Hotline")), in no options class.
            "Urls", "ConnectionStrings:Hotline"),
    };

    /// <summary>Variables that are not settings: the pod's downward API, read by Orleans' Kubernetes hosting.</summary>
    private static readonly HashSet<string> PodVariables = [.. KubernetesPod.Variables, "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID"];

    private static IEnumerable<(string Workload, YamlMappingNode Pod, YamlMappingNode Container)> Containers() =>
        Rendered.Value.PodTemplates().SelectMany(t => Items(t.Template, "spec", "containers").Select(c => (t.Workload, t.Template, c)));

    [KubectlFact]
    public void The_base_renders_a_silo_and_an_api_with_their_budgets()
    {
        Assert.Equal(["api", "silo"], Containers().Select(c => Text(c.Container, "name")!).Order());
        Assert.Equal(2, Rendered.Value.OfKind("PodDisruptionBudget").Count());
        Assert.Empty(Rendered.Value.OfKind("Secret"));
    }

    [KubectlFact]
    public void Every_container_has_a_readiness_and_a_liveness_probe()
    {
        foreach (var (workload, _, container) in Containers())
        {
            Assert.True(Node(container, "readinessProbe") is not null, $"{workload} has no readiness probe");
            Assert.True(Node(container, "livenessProbe") is not null, $"{workload} has no liveness probe");
        }
    }

    [KubectlFact]
    public void Every_probe_asks_a_path_the_process_maps_on_the_port_it_listens_on()
    {
        foreach (var (workload, _, container) in Containers())
        {
            var name = Text(container, "name")!;
            var routes = File.ReadAllText(Path.Combine(RepositoryRoot, RouteSources[name]));
            var listens = ListeningPort(container);
            foreach (var kind in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                if (Node(container, kind) is not { } probe) continue;
                var path = Text(probe, "httpGet", "path");
                Assert.True(path is not null, $"{workload} {kind} is not an HTTP probe");
                Assert.True(Regex.IsMatch(routes, $@"Map(Get|HealthChecks)\(""{Regex.Escape(path)}"""), $"{workload} {kind}: {RouteSources[name]} maps no {path}");
                Assert.True(ContainerPort(container, Text(probe, "httpGet", "port")!) == listens,
                    $"{workload} {kind} asks port {Text(probe, "httpGet", "port")}, the process listens on {listens}");
            }
        }
    }

    [KubectlFact]
    public void Each_disruption_budget_selects_the_pods_of_exactly_one_workload()
    {
        var templates = Rendered.Value.PodTemplates().ToList();
        foreach (var budget in Rendered.Value.OfKind("PodDisruptionBudget"))
        {
            var selector = Labels(budget, "spec", "selector", "matchLabels");
            Assert.NotEmpty(selector);
            var selected = templates.Where(t => Selects(selector, Labels(t.Template, "metadata", "labels"))).Select(t => t.Workload).ToList();
            Assert.True(selected.Count == 1, $"budget {Text(budget, "metadata", "name")} selects {string.Join(", ", selected)}");
        }
        var siloBudget = Rendered.Value.Single("PodDisruptionBudget", "hotline-silo");
        var silo = Rendered.Value.Single("StatefulSet", "hotline-silo");
        Assert.True(Selects(Labels(siloBudget, "spec", "selector", "matchLabels"), Labels(silo, "spec", "template", "metadata", "labels")));
        Assert.Equal("1", Text(siloBudget, "spec", "maxUnavailable"));
    }

    [KubectlFact]
    public void Every_workload_selector_matches_its_own_pods_and_every_service_selects_pods()
    {
        var templates = Rendered.Value.PodTemplates().ToList();
        foreach (var workload in Rendered.Value.Objects.Where(o => Text(o, "kind") is "Deployment" or "StatefulSet"))
            Assert.True(Selects(Labels(workload, "spec", "selector", "matchLabels"), Labels(workload, "spec", "template", "metadata", "labels")));
        foreach (var service in Rendered.Value.OfKind("Service"))
            Assert.Contains(templates, t => Selects(Labels(service, "spec", "selector"), Labels(t.Template, "metadata", "labels")));
    }

    [KubectlFact]
    public void Every_environment_variable_names_a_setting_the_process_reads()
    {
        foreach (var (workload, _, container) in Containers())
        {
            var keys = Settings[Text(container, "name")!];
            foreach (var variable in Items(container, "env").Select(e => Text(e, "name")!))
            {
                if (PodVariables.Contains(variable)) continue;
                Assert.True(keys.Exists(SettingsKeys.FromVariable(variable)), $"{workload}: {variable} is no setting of the process");
            }
        }
    }

    [KubectlFact]
    public void The_silo_environment_passes_the_silos_own_validation_and_turns_kubernetes_hosting_on()
    {
        var (_, pod, container) = Containers().Single(c => Text(c.Container, "name") == "silo");
        var environment = Environment(pod, container);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            environment.Select(e => KeyValuePair.Create(SettingsKeys.FromVariable(e.Key), (string?)e.Value))).Build();

        var settings = configuration.GetValidated<SiloSettings>("Hotline:Silo", c =>
        {
            var s = new SiloSettings();
            c.GetSection("Hotline").Bind(s);
            c.GetSection("Hotline:Silo").Bind(s);
            return s;
        });
        var telephony = configuration.GetValidated<TelephonySettings>(TelephonySettings.Section);
        string? Lookup(string name) => environment.GetValueOrDefault(name);

        Assert.True(settings.UsesKubernetesHosting(Lookup));
        KubernetesPod.RequireDownwardApi(Lookup);
        Assert.Equal(SamplePodIp, settings.AdvertisedAddress);
        Assert.Equal(environment["ORLEANS_CLUSTER_ID"], settings.ClusterId);
        Assert.Equal(environment["ORLEANS_SERVICE_ID"], settings.ServiceId);
        Assert.Equal("/var/lib/hotline/recordings", telephony.RecordingsPath);
        Assert.Equal(settings.SiloPort, ContainerPort(container, "silo"));
        Assert.Equal(settings.GatewayPort, ContainerPort(container, "gateway"));
        Assert.Equal(telephony.SipPort, ContainerPort(container, "sip-udp"));
        Assert.Equal(telephony.SipPort, ContainerPort(container, "sip-tcp"));
        Assert.Equal("true", Text(pod, "spec", "hostNetwork"));
        Assert.Equal(SampleConnectionString, configuration.GetConnectionString("Hotline"));
    }

    [KubectlFact]
    public void The_api_environment_passes_the_apis_own_validation_and_reaches_the_silos_gateways()
    {
        var (_, pod, container) = Containers().Single(c => Text(c.Container, "name") == "api");
        var environment = Environment(pod, container);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            environment.Select(e => KeyValuePair.Create(SettingsKeys.FromVariable(e.Key), (string?)e.Value))).Build();
        var options = new HotlineOptions();
        configuration.GetSection(HotlineOptions.Section).Bind(options);
        options.ConnectionString = configuration.GetConnectionString("Hotline");

        var result = new HotlineOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(OrleansClientMode.AdoNet, options.Orleans.Mode);
        var silo = Containers().Single(c => Text(c.Container, "name") == "silo").Container;
        Assert.Equal(ContainerPort(silo, "gateway"), options.Orleans.GatewayPort);
        var siloEnvironment = Items(silo, "env").ToDictionary(e => Text(e, "name")!);
        Assert.Equal(Text(siloEnvironment["Hotline__Telephony__RecordingsPath"], "value"), options.RecordingsPath);
    }

    [KubectlFact]
    public void No_secret_is_written_in_the_manifests()
    {
        foreach (var (workload, _, container) in Containers())
        {
            foreach (var variable in Items(container, "env"))
            {
                var name = Text(variable, "name")!;
                var value = Text(variable, "value");
                if (SecretName().IsMatch(name))
                    Assert.True(Text(variable, "valueFrom", "secretKeyRef", "name") is not null, $"{workload}: {name} must come from a Secret");
                Assert.False(value is not null && SecretValue().IsMatch(value), $"{workload}: {name} holds a password or key");
            }
        }
        foreach (var document in Rendered.Value.Objects)
            Assert.False(Text(document, "kind") == "Secret" || Text(document, "kind") == "ConfigMap" && SecretValue().IsMatch(document.ToString()));
    }

    [KubectlFact]
    public void Every_container_requests_cpu_and_memory_and_is_limited_in_memory()
    {
        foreach (var (workload, _, container) in Containers())
        {
            Assert.True(Text(container, "resources", "requests", "cpu") is not null, $"{workload}: no CPU request");
            Assert.True(Text(container, "resources", "requests", "memory") is not null, $"{workload}: no memory request");
            Assert.True(Text(container, "resources", "limits", "memory") is not null, $"{workload}: no memory limit");
        }
    }

    [KubectlFact]
    public void The_silos_grace_period_covers_its_call_drain_and_shutdown()
    {
        var (_, pod, container) = Containers().Single(c => Text(c.Container, "name") == "silo");
        var drain = int.Parse(Text(Items(container, "env").Single(e => Text(e, "name") == "Hotline__Silo__DrainSeconds"), "value")!);

        Assert.True(drain > 0, "the silo must drain its calls on shutdown");
        var grace = TimeSpan.FromSeconds(int.Parse(Text(pod, "spec", "terminationGracePeriodSeconds")!));
        Assert.True(grace >= CallDrain.ShutdownTimeout(new SiloSettings { DrainSeconds = drain }),
            $"terminationGracePeriodSeconds {grace.TotalSeconds} is shorter than the drain and shutdown");
    }

    [KubectlFact]
    public void The_silos_service_account_may_watch_and_patch_the_pods_orleans_looks_at()
    {
        var (_, pod, _) = Containers().Single(c => Text(c.Container, "name") == "silo");
        var account = Text(pod, "spec", "serviceAccountName")!;
        var binding = Rendered.Value.OfKind("RoleBinding").Single(b => Items(b, "subjects").Any(s => Text(s, "name") == account));
        var role = Rendered.Value.Single("Role", Text(binding, "roleRef", "name")!);
        var rule = Items(role, "rules").Single(r => (Node(r, "resources") as YamlSequenceNode)!.Children.Any(c => c.ToString() == "pods"));

        Assert.Equal(["get", "list", "patch", "watch"], ((YamlSequenceNode)Node(rule, "verbs")!).Children.Select(c => c.ToString()).Order());
        var labels = Labels(pod, "metadata", "labels");
        Assert.Contains("orleans/serviceId", labels.Keys);
        Assert.Contains("orleans/clusterId", labels.Keys);
    }

    [KubectlFact]
    public void The_example_overlay_renders_with_a_namespace_and_registry_images()
    {
        var overlay = Render("deploy/k8s/overlays/example");

        Assert.All(overlay.Objects, o => Assert.Equal("hotline", Text(o, "metadata", "namespace")));
        var images = overlay.PodTemplates().SelectMany(t => Items(t.Template, "spec", "containers")).Select(c => Text(c, "image")).Order();
        Assert.Equal(["registry.example.org/hotline/api:1.0.0", "registry.example.org/hotline/silo:1.0.0"], images);
    }

    [YamllintFact]
    public void The_manifests_pass_yamllint()
    {
        var (exit, output, error) = Run("yamllint", "-s", "-c", Path.Combine(RepositoryRoot, "deploy/k8s/.yamllint"), Path.Combine(RepositoryRoot, "deploy/k8s"));

        Assert.True(exit == 0, output + error);
    }

    private const string SamplePodIp = "10.0.0.7";
    private const string SampleConnectionString = "Host=postgres.example;Database=hotline;Username=hotline";

    /// <summary>The container's variables as a pod would see them, with sample values for the downward API and Secrets.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode pod, YamlMappingNode container) =>
        Items(container, "env").ToDictionary(e => Text(e, "name")!, e => Text(e, "value") ?? (Text(e, "valueFrom", "fieldRef", "fieldPath") switch
        {
            "status.podIP" => SamplePodIp,
            "metadata.name" => "hotline-silo-0",
            "metadata.namespace" => "hotline",
            { } field when LabelField().Match(field) is { Success: true } m => Labels(pod, "metadata", "labels")[m.Groups[1].Value],
            null when Text(e, "valueFrom", "secretKeyRef", "name") is not null => SampleConnectionString,
            var other => throw new InvalidOperationException($"no sample for {Text(e, "name")} from {other}"),
        }));

    private static int ListeningPort(YamlMappingNode container)
    {
        var urls = Text(Items(container, "env").Single(e => Text(e, "name") == "Urls"), "value")!;
        return new Uri(urls.Split(';')[0].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
    }

    private static int ContainerPort(YamlMappingNode container, string nameOrNumber) =>
        int.TryParse(nameOrNumber, out var number)
            ? number
            : int.Parse(Text(Items(container, "ports").Single(p => Text(p, "name") == nameOrNumber), "containerPort")!);

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    [GeneratedRegex(@"(?i)password|secret|token|apikey|ConnectionStrings")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)password\s*=|pwd\s*=|BEGIN [A-Z ]*PRIVATE KEY")]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"^metadata\.labels\['([^']+)'\]$")]
    private static partial Regex LabelField();
}
