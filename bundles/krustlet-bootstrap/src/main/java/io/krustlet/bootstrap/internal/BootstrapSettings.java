package io.krustlet.bootstrap.internal;

import io.krustlet.bootstrap.EnvironmentOverrides;
import io.krustlet.bootstrap.NodeIdentity;
import io.krustlet.bootstrap.NodeKubeconfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bootstrap's settings after the environment ({@code KRUSTLET_<KEY>}, {@link EnvironmentOverrides}),
 * the Config Admin value and the default have had their say; the node's name, addresses and
 * kubeconfig by the rules every bundle shares ({@link NodeIdentity}).
 *
 * @param kubeconfig the kubeconfig setting as given: a path, {@code none}, or empty
 * @param bootstrapFile the bootstrap kubeconfig, if any
 * @param nodeIPs configured addresses for the serving certificate; empty: detect
 */
public record BootstrapSettings(String nodeName, List<String> nodeIPs, Path dataDir, String kubeconfig,
        Optional<Path> bootstrapFile, Path certDir, boolean rotateCertificates, boolean serverTLSBootstrap) {

    public BootstrapSettings {
        nodeIPs = List.copyOf(nodeIPs);
        if (bootstrapFile.isPresent() && (kubeconfig.isBlank() || NodeKubeconfig.NONE.equalsIgnoreCase(kubeconfig))) {
            // as the kubelet: --bootstrap-kubeconfig needs --kubeconfig, the file it writes
            throw new IllegalArgumentException("bootstrapFile " + bootstrapFile.get()
                    + " needs kubeconfig: the path the node's kubeconfig is written to");
        }
    }

    /**
     * These settings with {@code next}'s bootstrap keys (certDir, rotateCertificates,
     * serverTLSBootstrap) and this node's identity (nodeName, nodeIPs, dataDir, kubeconfig,
     * bootstrapFile), which changes only with a restart of the node.
     */
    public BootstrapSettings withBootstrapKeysOf(BootstrapSettings next) {
        return new BootstrapSettings(nodeName, nodeIPs, dataDir, kubeconfig, bootstrapFile, next.certDir(),
                next.rotateCertificates(), next.serverTLSBootstrap());
    }

    /**
     * {@code maxPods -> KRUSTLET_MAX_PODS}, acronyms kept whole:
     * {@code serverTLSBootstrap -> KRUSTLET_SERVER_TLS_BOOTSTRAP} (the compact
     * {@code KRUSTLET_SERVER_TLSBOOTSTRAP} is accepted too; see {@link EnvironmentOverrides}).
     */
    public static String environmentName(String key) {
        return EnvironmentOverrides.kubelet(Map.of()).name(key);
    }

    public static BootstrapSettings from(BootstrapConfig config, Map<String, String> env, Map<String, String> system) {
        var values = EnvironmentOverrides.kubelet(env);
        var node = NodeIdentity.resolve(values, config.nodeName(), config.nodeIP(), config.kubeconfig());
        String karafData = system.getOrDefault("karaf.data", System.getProperty("java.io.tmpdir"));
        Path dataDir = Path.of(values.string("dataDir", config.dataDir(), Path.of(karafData, "krustlet").toString()));
        String bootstrap = values.string("bootstrapFile", config.bootstrapFile(), "");
        return new BootstrapSettings(
                node.nodeName(),
                node.nodeIPs(),
                dataDir,
                node.kubeconfig(),
                bootstrap.isEmpty() ? Optional.empty() : Optional.of(Path.of(bootstrap)),
                Path.of(values.string("certDir", config.certDir(), dataDir.resolve("pki").toString())),
                values.bool("rotateCertificates", config.rotateCertificates()),
                values.bool("serverTLSBootstrap", config.serverTLSBootstrap()));
    }

    /** Where the node's kubeconfig is written; only meaningful with a bootstrap file. */
    public Path kubeconfigPath() {
        return Path.of(kubeconfig);
    }

    /**
     * The kubeconfig the node joins with, found as the core finds it: the setting, then
     * {@code $KUBECONFIG}, then {@code ~/.kube/config}; empty when standalone.
     */
    public Optional<Path> locateKubeconfig(Map<String, String> env, Path home) {
        return NodeKubeconfig.locate(kubeconfig, env, home);
    }
}
