package io.krustlet.core.config;

import io.krustlet.bootstrap.EnvironmentOverrides;
import io.krustlet.bootstrap.NodeIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The kubelet's settings after every source has had its say: the environment variable
 * {@code KRUSTLET_<KEY>} first ({@link EnvironmentOverrides}), then the Config Admin value, then the
 * default. The node's name, address and kubeconfig setting follow the rules every bundle shares
 * ({@link NodeIdentity}).
 *
 * @param nodeName the node's name, lower-cased
 * @param nodeIP the node's primary address (the first of a comma-separated nodeIP), or empty to detect it
 * @param dataDir pod state, volumes and logs
 * @param podManifestPath the static pod folder
 * @param manifestRescan how often the folder is rescanned
 * @param maxPods the most pods this node runs
 * @param defaultRuntime the runtime for pods without a runtime class
 * @param allowLocalModules whether fs/ images are allowed
 * @param localModuleRoot what relative fs/ paths resolve against
 * @param containerLogMaxSize log rotation size in bytes
 * @param containerLogMaxFiles log files kept per run
 * @param kubeconfig the kubeconfig setting as given: a path, {@code none}, or empty for the defaults
 * @param nodeLabels extra node labels
 * @param port the kubelet API port
 * @param bootstrapFile the bootstrap kubeconfig, or empty (TLS bootstrap is the krustlet-bootstrap bundle's)
 * @param kubeAPIQPS requests per second the node sends the API server at most, sustained (above 0)
 * @param kubeAPIBurst requests it may send at once (at least 1)
 * @param volumeRefresh how often configMap, secret, downwardAPI and projected volumes of running
 *     pods are written again from their sources
 */
public record KubeletSettings(
        String nodeName,
        String nodeIP,
        Path dataDir,
        Path podManifestPath,
        Duration manifestRescan,
        int maxPods,
        String defaultRuntime,
        boolean allowLocalModules,
        Path localModuleRoot,
        long containerLogMaxSize,
        int containerLogMaxFiles,
        String kubeconfig,
        Map<String, String> nodeLabels,
        int port,
        String bootstrapFile,
        int kubeAPIQPS,
        int kubeAPIBurst,
        Duration volumeRefresh) {

    public KubeletSettings {
        nodeLabels = Map.copyOf(nodeLabels);
    }

    /**
     * The environment variable that overrides a key, as the kubelet's settings are documented:
     * {@code maxPods -> KRUSTLET_MAX_PODS}, {@code kubeAPIBurst -> KRUSTLET_KUBE_APIBURST} (the
     * spelling with acronyms as words, {@code KRUSTLET_KUBE_API_BURST}, is accepted too; the rule
     * is {@link EnvironmentOverrides}, shared by every bundle).
     */
    public static String environmentName(String key) {
        return EnvironmentOverrides.kubelet(Map.of()).compactName(key);
    }

    public static KubeletSettings from(KubeletConfig config, Map<String, String> env, Map<String, String> system) {
        var values = EnvironmentOverrides.kubelet(env);
        var node = NodeIdentity.resolve(values, config.nodeName(), config.nodeIP(), config.kubeconfig());
        String karafData = system.getOrDefault("karaf.data", System.getProperty("java.io.tmpdir"));
        String karafEtc = system.getOrDefault("karaf.etc", Path.of(karafData).resolveSibling("etc").toString());
        String karafBase = system.getOrDefault("karaf.base", ".");
        return new KubeletSettings(
                node.nodeName(),
                node.nodeIP(),
                Path.of(values.string("dataDir", config.dataDir(), Path.of(karafData, "krustlet").toString())),
                Path.of(values.string("podManifestPath", config.podManifestPath(), Path.of(karafEtc, "pods").toString())),
                Duration.ofSeconds(Math.max(1, values.integer("manifestRescanSeconds", config.manifestRescanSeconds()))),
                Math.max(1, values.integer("maxPods", config.maxPods())),
                values.string("defaultRuntime", config.defaultRuntime(), "wasi"),
                values.bool("allowLocalModules", config.allowLocalModules()),
                Path.of(values.string("localModuleRoot", config.localModuleRoot(), karafBase)),
                values.longValue("containerLogMaxSize", config.containerLogMaxSize()),
                Math.max(1, values.integer("containerLogMaxFiles", config.containerLogMaxFiles())),
                node.kubeconfig(),
                labels(values.string("nodeLabels", config.nodeLabels(), "")),
                port(values.integer("port", config.port())),
                values.string("bootstrapFile", config.bootstrapFile(), ""),
                atLeast("kubeAPIQPS", values.integer("kubeAPIQPS", config.kubeAPIQPS()), 1),
                atLeast("kubeAPIBurst", values.integer("kubeAPIBurst", config.kubeAPIBurst()), 1),
                Duration.ofSeconds(atLeast("volumeRefreshSeconds",
                        values.integer("volumeRefreshSeconds", config.volumeRefreshSeconds()), 1)));
    }

    /** {@code a=b,c=d} as a map; a malformed entry is a configuration error. */
    static Map<String, String> labels(String spec) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("nodeLabels: \"" + entry.trim() + "\" is not key=value");
            }
            labels.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return labels;
    }

    private static int atLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(key + ": " + value + " is below " + minimum);
        }
        return value;
    }

    private static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is not a TCP port (1-65535)");
        }
        return port;
    }
}
