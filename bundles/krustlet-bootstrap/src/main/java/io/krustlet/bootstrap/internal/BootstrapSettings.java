package io.krustlet.bootstrap.internal;

import io.krustlet.bootstrap.NodeKubeconfig;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bootstrap's settings after the environment ({@code KRUSTLET_<KEY>}, as the core's
 * KubeletSettings), the Config Admin value and the default have had their say.
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
     * {@code maxPods -> KRUSTLET_MAX_PODS}, the core's rule, with acronyms kept whole:
     * {@code serverTLSBootstrap -> KRUSTLET_SERVER_TLS_BOOTSTRAP}.
     */
    public static String environmentName(String key) {
        return "KRUSTLET_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
                .toUpperCase(Locale.ROOT);
    }

    /** The core's rule word for word ({@code KRUSTLET_SERVER_TLSBOOTSTRAP}), accepted too. */
    static String coreEnvironmentName(String key) {
        return "KRUSTLET_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    public static BootstrapSettings from(BootstrapConfig config, Map<String, String> env, Map<String, String> system) {
        var values = new Values(env);
        String karafData = system.getOrDefault("karaf.data", System.getProperty("java.io.tmpdir"));
        Path dataDir = Path.of(values.string("dataDir", config.dataDir(), Path.of(karafData, "krustlet").toString()));
        String bootstrap = values.string("bootstrapFile", config.bootstrapFile(), "");
        return new BootstrapSettings(
                values.string("nodeName", config.nodeName(), defaultNodeName()).toLowerCase(Locale.ROOT),
                Arrays.stream(values.string("nodeIP", config.nodeIP(), "").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                dataDir,
                values.string("kubeconfig", config.kubeconfig(), ""),
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

    static String defaultNodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "krustlet";
        }
    }

    private record Values(Map<String, String> env) {

        private String fromEnv(String key) {
            String value = env.get(environmentName(key));
            return value != null ? value : env.get(coreEnvironmentName(key));
        }

        String string(String key, String configured, String fallback) {
            String fromEnv = fromEnv(key);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.trim();
            }
            return configured == null || configured.isBlank() ? fallback : configured.trim();
        }

        boolean bool(String key, boolean configured) {
            String fromEnv = fromEnv(key);
            if (fromEnv == null || fromEnv.isBlank()) {
                return configured;
            }
            return switch (fromEnv.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException(environmentName(key) + "=" + fromEnv
                        + " is not a boolean (true or false)");
            };
        }
    }
}
