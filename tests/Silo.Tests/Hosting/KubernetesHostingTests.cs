using System.ComponentModel.DataAnnotations;
using Hotline.Common;
using Hotline.Silo.Hosting;

namespace Hotline.Tests.Hosting;

public sealed class KubernetesHostingTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Kubernetes_hosting_is_off_outside_a_pod()
    {
        Assert.False(new SiloSettings().UsesKubernetesHosting(Environment()));
    }

    [Fact]
    public void Kubernetes_hosting_stays_off_in_a_pod_that_does_not_name_itself_so_tests_in_a_ci_pod_are_unchanged()
    {
        Assert.False(new SiloSettings().UsesKubernetesHosting(Environment(("KUBERNETES_SERVICE_HOST", "10.96.0.1"))));
    }

    [Fact]
    public void Kubernetes_hosting_is_on_in_a_pod_given_its_name()
    {
        var pod = Environment(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("POD_NAME", "hotline-silo-0"));

        Assert.True(new SiloSettings().UsesKubernetesHosting(pod));
    }

    [Fact]
    public void The_setting_overrides_what_the_environment_suggests()
    {
        var pod = Environment(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("POD_NAME", "hotline-silo-0"));

        Assert.False(new SiloSettings { KubernetesHosting = false }.UsesKubernetesHosting(pod));
        Assert.True(new SiloSettings { KubernetesHosting = true }.UsesKubernetesHosting(Environment()));
    }

    [Fact]
    public void Missing_downward_api_variables_stop_the_silo_with_one_line_naming_them()
    {
        var e = Assert.Throws<ConfigurationException>(() => KubernetesPod.RequireDownwardApi(Environment(("POD_NAME", "hotline-silo-0"))));

        Assert.Contains("POD_NAMESPACE, POD_IP is not set", e.Message);
    }

    [Fact]
    public void A_pod_with_its_name_namespace_and_ip_passes()
    {
        KubernetesPod.RequireDownwardApi(Environment(("POD_NAME", "hotline-silo-0"), ("POD_NAMESPACE", "hotline"), ("POD_IP", "10.0.0.7")));
    }

    [Fact]
    public void Kubernetes_hosting_with_in_memory_storage_is_refused()
    {
        var settings = new SiloSettings { KubernetesHosting = true, Storage = StorageMode.Memory };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true));
        Assert.Equal(nameof(SiloSettings.KubernetesHosting), Assert.Single(results).MemberNames.Single());
    }
}
