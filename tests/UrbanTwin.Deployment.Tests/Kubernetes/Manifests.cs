using System.Diagnostics;
using k8s;
using k8s.Models;

namespace UrbanTwin.Deployment.Tests.Kubernetes;

/// <summary>
/// An overlay as <c>kubectl kustomize k8s/overlays/NAME</c> renders it, parsed into KubernetesClient's typed models.
/// Where kubectl is not installed the committed render (<c>k8s/rendered/NAME.yaml</c>, which a test keeps equal to
/// kubectl's output wherever kubectl exists) stands in.
/// </summary>
public sealed class Manifests
{
    public static readonly string[] Overlays = ["dev", "prod"];

    private static readonly Dictionary<string, Type> CustomTypes = new() { [ServiceMonitor.TypeKey] = typeof(ServiceMonitor) };

    private Manifests(string overlay, string yaml)
    {
        Overlay = overlay;
        Yaml = yaml;
        Objects = [.. KubernetesYaml.LoadAllFromString(yaml, CustomTypes).Cast<IKubernetesObject<V1ObjectMeta>>()];
    }

    public string Overlay { get; }
    public string Yaml { get; }
    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    public static Manifests Load(string overlay) => new(overlay, KubectlPath() is { } kubectl ? Render(kubectl, overlay) : File.ReadAllText(CommittedRender(overlay)));

    public static string CommittedRender(string overlay) => Repository.PathOf($"k8s/rendered/{overlay}.yaml");

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no {typeof(T).Name} named {name}");

    /// <summary>A ConfigMap or Secret by the name in the kustomization (kustomize appends a content hash to generated ones).</summary>
    public T Generated<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name || o.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no {typeof(T).Name} generated from {name}");

    public static string? KubectlPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);

    public static string Render(string kubectl, string overlay)
    {
        var start = new ProcessStartInfo(kubectl, ["kustomize", Repository.PathOf($"k8s/overlays/{overlay}")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"kubectl kustomize {overlay} did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {overlay} failed ({process.ExitCode}): {error.Result}");
        }
        return output.Result;
    }
}
