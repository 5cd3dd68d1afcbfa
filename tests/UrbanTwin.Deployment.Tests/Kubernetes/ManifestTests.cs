using System.Globalization;
using k8s;
using k8s.Models;

namespace UrbanTwin.Deployment.Tests.Kubernetes;

/// <summary>The properties docs/operations.md promises SREs, asserted on every overlay's rendered objects.</summary>
public sealed class ManifestTests
{
    private const string Silo = "urbantwin-silo";
    private const string Gateway = "urbantwin-gateway";
    private const string Redis = "urbantwin-redis";
    private const string Config = "urbantwin-config";

    /// <summary>Created by the operator in production (docs/operations.md), generated with a dev-only password in dev.</summary>
    private const string RedisSecret = "urbantwin-redis";

    /// <summary>The history store's connection string, likewise created by the operator in production (a managed PostgreSQL).</summary>
    private const string HistorySecret = "urbantwin-history";

    /// <summary>The gateways' API keys (hashes), likewise created by the operator in production.</summary>
    private const string ApiKeysSecret = "urbantwin-api-keys";

    public static TheoryData<string> Overlays => [.. Manifests.Overlays];

    [Theory, MemberData(nameof(Overlays))]
    public void Every_object_is_namespaced_into_the_overlay_and_every_reference_resolves(string overlay)
    {
        var m = Manifests.Load(overlay);
        var ns = Assert.Single(m.All<V1Namespace>()).Metadata.Name;
        Assert.All(m.Objects.Where(o => o is not V1Namespace), o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
        Assert.Equal(m.Objects.Count, m.Objects.Select(o => (o.Kind, o.Metadata.Name)).Distinct().Count());

        foreach (var (owner, pod) in PodTemplates(m))
        {
            var container = Assert.Single(pod.Spec.Containers);
            foreach (var from in container.EnvFrom ?? [])
            {
                if (from.ConfigMapRef is { } configMap)
                {
                    Assert.Contains(m.All<V1ConfigMap>(), c => c.Metadata.Name == configMap.Name);
                }
                if (from.SecretRef is { } secret)
                {
                    Assert.True(m.All<V1Secret>().Any(s => s.Metadata.Name == secret.Name) || secret.Name == ApiKeysSecret,
                        $"{owner} takes its environment from secret {secret.Name}, which is neither rendered nor the documented operator-created one");
                }
            }
            foreach (var secret in (container.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>())
            {
                // dev renders its Secret (with kustomize's hash suffix); prod refers to the one the operator creates.
                Assert.True(m.All<V1Secret>().Any(s => s.Metadata.Name == secret.Name) || secret.Name is RedisSecret or HistorySecret,
                    $"{owner} refers to secret {secret.Name}, which is neither rendered nor the documented operator-created one");
            }
        }
        if (overlay == "prod")
        {
            Assert.Empty(m.All<V1Secret>()); // no password in the repository for production
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Redis_is_a_StatefulSet_with_the_append_only_file_on_a_persistent_volume_and_a_password_from_a_Secret(string overlay)
    {
        var m = Manifests.Load(overlay);
        var redis = m.Single<V1StatefulSet>(Redis);
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);
        var args = string.Join(' ', container.Args);
        Assert.Contains("--appendonly yes", args);
        Assert.Contains("--requirepass $(REDIS_PASSWORD)", args);
        var password = Assert.Single(container.Env, e => e.Name == "REDIS_PASSWORD");
        Assert.NotNull(password.ValueFrom?.SecretKeyRef);
        Assert.Null(password.Value);

        var claim = Assert.Single(redis.Spec.VolumeClaimTemplates);
        Assert.True(claim.Spec.Resources.Requests["storage"].ToDecimal() > 0);
        Assert.Contains(container.VolumeMounts, v => v.Name == claim.Metadata.Name && v.MountPath == "/data");
        Assert.Contains("--dir /data", args);
        Assert.Equal(redis.Spec.ServiceName, m.Single<V1Service>(Redis).Metadata.Name);
        Assert.NotNull(container.ReadinessProbe);
    }

    [Fact]
    public void With_the_MQTT_component_gateways_subscribe_to_an_authenticated_Mosquitto_that_keeps_sessions_on_a_volume()
    {
        var m = Manifests.Load("dev");
        var gateway = Assert.Single(m.Single<V1Deployment>(Gateway).Spec.Template.Spec.Containers);
        var broker = m.Single<V1Service>(Env(gateway, "Mqtt__Server").Value);
        Assert.Contains(broker.Spec.Ports, p => p.Port.ToString() == Env(gateway, "Mqtt__Port").Value);
        // Each pod its own client id (a restarted container resumes its session), its password from a Secret.
        Assert.Equal("metadata.name", Env(gateway, "Mqtt__ClientId").ValueFrom.FieldRef.FieldPath);
        var password = Env(gateway, "Mqtt__Password").ValueFrom.SecretKeyRef;
        Assert.Contains(m.All<V1Secret>(), s => s.Metadata.Name == password.Name && s.Data.ContainsKey(password.Key));

        var mosquitto = m.Single<V1StatefulSet>("urbantwin-mosquitto");
        var container = Assert.Single(mosquitto.Spec.Template.Spec.Containers);
        var config = m.Generated<V1ConfigMap>("urbantwin-mosquitto").Data["mosquitto.conf"].Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("allow_anonymous false", config);
        Assert.Contains("persistence true", config);
        var data = config.Single(l => l.StartsWith("persistence_location ", StringComparison.Ordinal))["persistence_location ".Length..];
        var claim = Assert.Single(mosquitto.Spec.VolumeClaimTemplates);
        Assert.Contains(container.VolumeMounts, v => v.Name == claim.Metadata.Name && data.TrimEnd('/') == v.MountPath);
        var auth = config.Single(l => l.StartsWith("password_file ", StringComparison.Ordinal))["password_file ".Length..];
        var authVolume = Assert.Single(mosquitto.Spec.Template.Spec.Volumes, v => v.Secret is not null);
        Assert.Contains(container.VolumeMounts, v => v.Name == authVolume.Name && auth.StartsWith(v.MountPath + "/", StringComparison.Ordinal));
        Assert.Contains(broker.Spec.Selector, l => mosquitto.Spec.Template.Metadata.Labels[l.Key] == l.Value);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_and_gateways_reach_the_history_store_through_a_connection_string_from_a_Secret(string overlay)
    {
        var m = Manifests.Load(overlay);
        foreach (var name in new[] { Silo, Gateway })
        {
            var history = Env(Assert.Single(m.Single<V1Deployment>(name).Spec.Template.Spec.Containers), "ConnectionStrings__History");
            Assert.Null(history.Value);
            Assert.StartsWith(HistorySecret, history.ValueFrom.SecretKeyRef.Name, StringComparison.Ordinal);
            Assert.Equal("connection-string", history.ValueFrom.SecretKeyRef.Key);
        }
    }

    [Fact]
    public void In_dev_the_history_store_is_a_PostgreSQL_StatefulSet_on_a_volume_that_the_connection_string_names()
    {
        var m = Manifests.Load("dev");
        var gateway = Assert.Single(m.Single<V1Deployment>(Gateway).Spec.Template.Spec.Containers);
        var reference = Env(gateway, "ConnectionStrings__History").ValueFrom.SecretKeyRef;
        var secret = Assert.Single(m.All<V1Secret>(), s => s.Metadata.Name == reference.Name);
        var settings = System.Text.Encoding.UTF8.GetString(secret.Data[reference.Key]).Split(';')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);

        var service = m.Single<V1Service>(settings["Host"]);
        var postgres = m.Single<V1StatefulSet>("urbantwin-postgresql");
        Assert.Contains(service.Spec.Selector, l => postgres.Spec.Template.Metadata.Labels[l.Key] == l.Value);
        Assert.Contains(service.Spec.Ports, p => p.Port == (settings.TryGetValue("Port", out var port) ? int.Parse(port, CultureInfo.InvariantCulture) : 5432));
        var container = Assert.Single(postgres.Spec.Template.Spec.Containers);
        Assert.Equal(settings["Database"], Env(container, "POSTGRES_DB").Value);
        // The connection string's password is the one the server was initialised with, both from Secrets.
        var serverPassword = Env(container, "POSTGRES_PASSWORD").ValueFrom.SecretKeyRef;
        var serverSecret = Assert.Single(m.All<V1Secret>(), s => s.Metadata.Name == serverPassword.Name);
        Assert.Equal(settings["Password"], System.Text.Encoding.UTF8.GetString(serverSecret.Data[serverPassword.Key]));

        var claim = Assert.Single(postgres.Spec.VolumeClaimTemplates);
        var data = Assert.Single(container.VolumeMounts, v => v.Name == claim.Metadata.Name);
        Assert.StartsWith(data.MountPath + "/", Env(container, "PGDATA").Value, StringComparison.Ordinal);
        Assert.NotNull(container.ReadinessProbe?.Exec);
        Assert.True(postgres.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_run_with_Orleans_Kubernetes_hosting_its_pod_permissions_and_labels(string overlay)
    {
        var m = Manifests.Load(overlay);
        var silo = m.Single<V1Deployment>(Silo);
        var pod = silo.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("metadata.name", Env(container, "POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", Env(container, "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", Env(container, "POD_IP").ValueFrom.FieldRef.FieldPath);
        var config = ConfigOf(m, container);
        // The labels Orleans' Kubernetes hosting matches pods by must name the same ids the silo runs with.
        Assert.Equal(config["ORLEANS_SERVICE_ID"], silo.Spec.Template.Metadata.Labels["orleans/serviceId"]);
        Assert.Equal(config["ORLEANS_CLUSTER_ID"], silo.Spec.Template.Metadata.Labels["orleans/clusterId"]);
        Assert.Contains(container.Ports, p => p.Name == "silo" && p.ContainerPort == 11111);
        Assert.Contains(container.Ports, p => p.Name == "gateway" && p.ContainerPort == 30000);

        Assert.NotEqual(false, pod.AutomountServiceAccountToken);
        var account = m.Single<V1ServiceAccount>(pod.ServiceAccountName);
        var binding = Assert.Single(m.All<V1RoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        Assert.Equal("Role", binding.RoleRef.Kind);
        var rule = Assert.Single(m.Single<V1Role>(binding.RoleRef.Name).Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["get", "list", "patch", "watch"], rule.Verbs.Order());
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_and_gateways_have_probes_that_keep_liveness_local_resources_a_disruption_budget_and_an_autoscaler(string overlay)
    {
        var m = Manifests.Load(overlay);
        foreach (var name in new[] { Silo, Gateway })
        {
            var deployment = m.Single<V1Deployment>(name);
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            // Liveness asks the process only: never /health/ready, which calls grains and so Redis.
            Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
            Assert.NotNull(container.StartupProbe?.HttpGet);
            Assert.True(container.StartupProbe.FailureThreshold * container.StartupProbe.PeriodSeconds >= 120,
                $"{name}: the startup probe allows less than 2 minutes");
            Assert.Contains(container.Ports, p => p.Name == container.ReadinessProbe.HttpGet.Port.Value && p.ContainerPort == 8080);

            Assert.True(container.Resources.Requests["cpu"].ToDecimal() > 0, $"{name}: no CPU request");
            Assert.True(container.Resources.Limits["memory"].ToDecimal() >= container.Resources.Requests["memory"].ToDecimal());
            Assert.False(container.Resources.Limits.ContainsKey("cpu"), $"{name}: a CPU limit throttles Orleans' membership probes");

            var labels = deployment.Spec.Template.Metadata.Labels;
            Assert.True(Selects(deployment.Spec.Selector, labels));
            var budget = Assert.Single(m.All<V1PodDisruptionBudget>(), b => Selects(b.Spec.Selector, labels));
            Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
            var autoscaler = Assert.Single(m.All<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == name);
            Assert.Contains(autoscaler.Spec.Metrics, x => x.Type == "Resource" && x.Resource.Name == "cpu" && x.Resource.Target.AverageUtilization > 0);
            Assert.True(autoscaler.Spec.MinReplicas >= 1 && autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value); // a rollout never lowers capacity
            Assert.True(deployment.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        }
        // Scale-in removes one silo at a time: each hands its grains over before the next goes.
        Assert.Equal(1, Assert.Single(m.Single<V2HorizontalPodAutoscaler>(Silo).Spec.Behavior.ScaleDown.Policies).Value);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_grace_period_outlasts_the_drain_delay_plus_the_shutdown_timeout(string overlay)
    {
        var m = Manifests.Load(overlay);
        foreach (var name in new[] { Silo, Gateway })
        {
            var pod = m.Single<V1Deployment>(name).Spec.Template.Spec;
            var config = ConfigOf(m, Assert.Single(pod.Containers));
            var drain = TimeSpan.Parse(config["Shutdown__DrainDelay"], CultureInfo.InvariantCulture);
            var timeout = TimeSpan.Parse(config["Shutdown__Timeout"], CultureInfo.InvariantCulture);
            Assert.True(drain > TimeSpan.Zero, $"{name}: no drain delay, so Kubernetes may route to a stopping pod");
            Assert.True(pod.TerminationGracePeriodSeconds > (drain + timeout).TotalSeconds,
                $"{name}: a grace period of {pod.TerminationGracePeriodSeconds} s does not outlast {drain + timeout}");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Gateways_mount_no_service_account_token_and_are_reached_through_a_Service(string overlay)
    {
        var m = Manifests.Load(overlay);
        var gateway = m.Single<V1Deployment>(Gateway);
        var pod = gateway.Spec.Template.Spec;
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(m.Single<V1ServiceAccount>(pod.ServiceAccountName).AutomountServiceAccountToken);
        Assert.DoesNotContain(m.All<V1RoleBinding>(), b => b.Subjects.Any(s => s.Name == pod.ServiceAccountName));

        var service = m.Single<V1Service>(Gateway);
        Assert.True(service.Spec.Selector.All(kv => gateway.Spec.Template.Metadata.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value));
        var port = Assert.Single(service.Spec.Ports);
        Assert.Contains(Assert.Single(pod.Containers).Ports, p => p.Name == port.TargetPort.Value);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Settings_come_from_a_ConfigMap_and_the_Redis_connection_only_from_a_Secret(string overlay)
    {
        var m = Manifests.Load(overlay);
        var config = m.Generated<V1ConfigMap>(Config);
        Assert.DoesNotContain(config.Data.Keys, k => k.Contains("Redis", StringComparison.OrdinalIgnoreCase) || k.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(config.Data.Values, v => v.Contains("password", StringComparison.OrdinalIgnoreCase));
        foreach (var name in new[] { Silo, Gateway })
        {
            var container = Assert.Single(m.Single<V1Deployment>(name).Spec.Template.Spec.Containers);
            var redis = Env(container, "ConnectionStrings__Redis");
            Assert.Null(redis.Value);
            Assert.StartsWith(RedisSecret, redis.ValueFrom.SecretKeyRef.Name, StringComparison.Ordinal);
            Assert.Equal(config.Metadata.Name, Assert.Single(container.EnvFrom, e => e.ConfigMapRef is not null).ConfigMapRef.Name);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_and_gateways_are_scraped_for_metrics(string overlay)
    {
        var m = Manifests.Load(overlay);
        foreach (var name in new[] { Silo, Gateway })
        {
            var annotations = m.Single<V1Deployment>(name).Spec.Template.Metadata.Annotations;
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            Assert.Equal("8080", annotations["prometheus.io/port"]);
        }
        if (overlay == "prod")
        {
            var monitor = Assert.Single(m.All<ServiceMonitor>());
            var endpoint = Assert.Single(monitor.Spec.Endpoints);
            Assert.Equal("/metrics", endpoint.Path);
            foreach (var name in new[] { Silo, Gateway })
            {
                var service = m.Single<V1Service>(name);
                Assert.True(Selects(monitor.Spec.Selector, service.Metadata.Labels), $"the ServiceMonitor does not select {name}");
                Assert.Contains(service.Spec.Ports, p => p.Name == endpoint.Port);
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Gateways_take_API_keys_from_a_Secret_that_holds_hashes_only_and_never_run_open(string overlay)
    {
        var m = Manifests.Load(overlay);
        var container = Assert.Single(m.Single<V1Deployment>(Gateway).Spec.Template.Spec.Containers);
        var keysFrom = Assert.Single(container.EnvFrom, e => e.SecretRef is not null).SecretRef.Name;
        Assert.StartsWith(ApiKeysSecret, keysFrom);
        var settings = m.All<V1ConfigMap>().SelectMany(c => c.Data ?? new Dictionary<string, string>())
            .Concat((container.Env ?? []).Where(e => e.Value is not null).Select(e => KeyValuePair.Create(e.Name, e.Value)));
        Assert.DoesNotContain(settings, s => s.Key == "Auth__Mode" && s.Value.Equals("open", StringComparison.OrdinalIgnoreCase));
        foreach (var secret in m.All<V1Secret>().Where(s => s.Metadata.Name == keysFrom))
        {
            var entries = (secret.Data ?? new Dictionary<string, byte[]>()).ToDictionary(d => d.Key, d => System.Text.Encoding.UTF8.GetString(d.Value));
            Assert.NotEmpty(entries);
            Assert.All(entries.Where(e => e.Key.EndsWith("__Hash", StringComparison.Ordinal)), e => Assert.Matches("^[0-9a-f]{64}$", e.Value));
            Assert.All(entries.Keys, k => Assert.Matches(@"^Auth__Keys__\d+__(Name|Hash|Role|Scopes__\d+|RequestsPerSecond|Burst)$", k));
        }
    }

    [Fact]
    public void Production_pins_image_releases_and_runs_at_least_three_silos()
    {
        var m = Manifests.Load("prod");
        foreach (var (_, pod) in PodTemplates(m).Where(p => p.Owner != Redis))
        {
            var image = Assert.Single(pod.Spec.Containers).Image;
            Assert.Matches(@"^[a-z0-9.-]+\.[a-z]+/.+:[0-9]+\.[0-9]+\.[0-9]+$", image);
        }
        Assert.True(m.Single<V1Deployment>(Silo).Spec.Replicas >= 3);
        Assert.True(m.Single<V2HorizontalPodAutoscaler>(Silo).Spec.MinReplicas >= 3);
        Assert.Equal("false", m.Generated<V1ConfigMap>(Config).Data["Simulation__Enabled"]);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_committed_render_is_what_kubectl_kustomize_renders_now(string overlay)
    {
        if (Manifests.KubectlPath() is not { } kubectl)
        {
            // Without kubectl the committed render is what the other tests read; nothing to compare it with here.
            Assert.True(File.Exists(Manifests.CommittedRender(overlay)));
            return;
        }
        Assert.True(File.ReadAllText(Manifests.CommittedRender(overlay)) == Manifests.Render(kubectl, overlay),
            $"k8s/rendered/{overlay}.yaml is out of date: run deploy/render-k8s.sh");
    }

    private static V1EnvVar Env(V1Container container, string name) =>
        container.Env.SingleOrDefault(e => e.Name == name) ?? throw new Xunit.Sdk.XunitException($"{container.Name} has no {name}");

    private static IDictionary<string, string> ConfigOf(Manifests m, V1Container container)
    {
        var name = Assert.Single(container.EnvFrom, e => e.ConfigMapRef is not null).ConfigMapRef.Name;
        return m.Single<V1ConfigMap>(name).Data;
    }

    private static IEnumerable<(string Owner, V1PodTemplateSpec Pod)> PodTemplates(Manifests m) =>
        m.All<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template))
            .Concat(m.All<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template)));

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            _ => throw new NotSupportedException(e.OperatorProperty),
        });
}
