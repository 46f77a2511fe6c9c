package io.krustlet.bootstrap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who the node is, resolved by one set of rules for every bundle that speaks for it (the core
 * registers the Node, the TLS bootstrap names it in its certificates, the HTTPS API serves as it):
 * the {@code nodeName}, {@code nodeIP} and {@code kubeconfig} settings of PID
 * {@code io.krustlet.kubelet}, each overridden by its {@code KRUSTLET_<KEY>} variable
 * ({@link EnvironmentOverrides}).
 *
 * @param nodeName the node's name: the setting, else the host name; lower-cased, as the kubelet's
 *     {@code --hostname-override} (pkg/util/node: GetHostname)
 * @param nodeIPs the configured addresses, in order (the kubelet's {@code --node-ip} takes one, or two
 *     of different families: the first is the primary); empty: detect with {@link NodeAddresses}
 * @param kubeconfig the kubeconfig setting as given: a path, {@link NodeKubeconfig#NONE}, or empty
 *     for the defaults; {@link #locateKubeconfig} finds the file
 */
public record NodeIdentity(String nodeName, List<String> nodeIPs, String kubeconfig) {

    /** The name when the host has none that resolves. */
    public static final String FALLBACK_NODE_NAME = "krustlet";

    public NodeIdentity {
        nodeName = nodeName.toLowerCase(Locale.ROOT);
        nodeIPs = List.copyOf(nodeIPs);
    }

    /**
     * The identity from the environment first, then the configured values, then the defaults.
     * Blocks while the host name is looked up when no name is configured (a local lookup, as
     * {@link InetAddress#getLocalHost()}).
     *
     * @param env the kubelet's variables ({@link EnvironmentOverrides#kubelet})
     * @param nodeName configured name, or null/blank
     * @param nodeIP configured addresses, comma-separated, or null/blank
     * @param kubeconfig configured kubeconfig setting, or null/blank
     */
    public static NodeIdentity resolve(EnvironmentOverrides env, String nodeName, String nodeIP, String kubeconfig) {
        String name = env.get("nodeName").orElseGet(() -> nodeName == null || nodeName.isBlank()
                ? defaultNodeName() : nodeName.trim());
        return new NodeIdentity(name, addresses(env.string("nodeIP", nodeIP, "")), env.string("kubeconfig", kubeconfig, ""));
    }

    /** {@code "192.0.2.1, 2001:db8::1"} as its addresses, blanks dropped; {@code ""} is none. */
    public static List<String> addresses(String setting) {
        return setting == null ? List.of()
                : Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The primary configured address (the node's InternalIP), or {@code ""} to detect it. */
    public String nodeIP() {
        return nodeIPs.isEmpty() ? "" : nodeIPs.get(0);
    }

    /**
     * The kubeconfig the node joins with ({@link NodeKubeconfig#locate}); empty when standalone.
     *
     * @param env the process environment, for {@code $KUBECONFIG}
     * @param home the user's home, for {@code ~/.kube/config}
     */
    public Optional<Path> locateKubeconfig(Map<String, String> env, Path home) {
        return NodeKubeconfig.locate(kubeconfig, env, home);
    }

    /** The host name, or {@value #FALLBACK_NODE_NAME} when it cannot be found. */
    public static String defaultNodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return FALLBACK_NODE_NAME;
        }
    }
}
