package io.krustlet.http;

import io.krustlet.bootstrap.EnvironmentOverrides;
import io.krustlet.bootstrap.NodeIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP API's settings after every source has had its say, in this order: the environment
 * variable {@code KRUSTLET_HTTP_<KEY>}, the Config Admin value of {@code io.krustlet.http}; then,
 * for the keys the kubelet shares ({@code port}, {@code dataDir}, {@code kubeconfig},
 * {@code nodeIP}), the kubelet's own environment variable {@code KRUSTLET_<KEY>} and its
 * configuration as published on its service; then the default. So a node configured once serves
 * its API on the port it reports, with the kubeconfig it joined with. The variables follow the rule
 * every bundle shares ({@link EnvironmentOverrides}); the kubelet's nodeIP and kubeconfig are
 * resolved as the kubelet resolves them ({@link NodeIdentity}).
 *
 * @param clientCAFile the configured client CA bundle, or null for the kubeconfig's CA
 * @param kubeconfig the kubeconfig setting as given: a path, {@code none}, or empty for the defaults
 */
public record HttpSettings(
        String address,
        int port,
        Path dataDir,
        Path tlsCertFile,
        Path tlsPrivateKeyFile,
        Path clientCAFile,
        String kubeconfig,
        String nodeIP,
        boolean anonymousAuth,
        Duration authorizedTtl,
        Duration unauthorizedTtl,
        Duration authenticationTtl) {

    static final int DEFAULT_PORT = 10250;

    /** The prefix of this bundle's own variables. */
    static final String PREFIX = "KRUSTLET_HTTP_";

    /** The environment variable that overrides a key: {@code tlsCertFile -> KRUSTLET_HTTP_TLS_CERT_FILE}. */
    public static String environmentName(String key) {
        return EnvironmentOverrides.of(PREFIX, Map.of()).name(key);
    }

    /**
     * @param kubelet the kubelet's service properties (its configuration), for the shared keys
     */
    public static HttpSettings from(HttpConfig config, Map<String, String> env, Map<String, String> system,
            Map<String, ?> kubelet) {
        var values = new Values(EnvironmentOverrides.of(PREFIX, env), EnvironmentOverrides.kubelet(env), kubelet);
        // the node's identity as the kubelet resolved it: its variables, then its configuration
        var node = NodeIdentity.resolve(values.kubeletEnv(), values.kubelet("nodeName"), values.kubelet("nodeIP"),
                values.kubelet("kubeconfig"));
        String karafData = system.getOrDefault("karaf.data", System.getProperty("java.io.tmpdir"));
        Path dataDir = Path.of(values.shared("dataDir", config.dataDir(), Path.of(karafData, "krustlet").toString()));
        Path pki = dataDir.resolve("pki");
        var own = values.own();
        String clientCa = own.string("clientCAFile", config.clientCAFile(), "");
        return new HttpSettings(
                own.string("address", config.address(), "0.0.0.0"),
                port(values.port(config.port())),
                dataDir,
                Path.of(own.string("tlsCertFile", config.tlsCertFile(), pki.resolve("kubelet.crt").toString())),
                Path.of(own.string("tlsPrivateKeyFile", config.tlsPrivateKeyFile(), pki.resolve("kubelet.key").toString())),
                clientCa.isEmpty() ? null : Path.of(clientCa),
                own.string("kubeconfig", config.kubeconfig(), node.kubeconfig()),
                own.string("nodeIP", config.nodeIP(), String.join(",", node.nodeIPs())),
                own.bool("anonymousAuth", config.anonymousAuth()),
                seconds(own, "authorizationCacheAuthorizedSeconds", config.authorizationCacheAuthorizedSeconds()),
                seconds(own, "authorizationCacheUnauthorizedSeconds", config.authorizationCacheUnauthorizedSeconds()),
                seconds(own, "authenticationCacheSeconds", config.authenticationCacheSeconds()));
    }

    private static Duration seconds(EnvironmentOverrides own, String key, int configured) {
        int value = own.integer(key, configured);
        if (value < 0) {
            throw new IllegalArgumentException(key + ": " + value + " must not be negative");
        }
        return Duration.ofSeconds(value);
    }

    private static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is not a TCP port (1-65535, 0 for any free port)");
        }
        return port;
    }

    /** The sources of a key the HTTPS API shares with the kubelet, in order. */
    private record Values(EnvironmentOverrides own, EnvironmentOverrides kubeletEnv, Map<String, ?> kubeletProperties) {

        /** The kubelet's configured value of a key, or null. */
        String kubelet(String key) {
            Object value = kubeletProperties.get(key);
            return value == null ? null : value.toString();
        }

        /** Ours (variable, configuration), then the kubelet's (variable, configuration), then the fallback. */
        String shared(String key, String configured, String fallback) {
            return own.string(key, configured, kubeletEnv.string(key, kubelet(key), fallback));
        }

        /** {@code port}: 0 in our configuration means "not set", so the kubelet's port applies. */
        int port(int configured) {
            String value = shared("port", configured == 0 ? "" : Integer.toString(configured),
                    Integer.toString(DEFAULT_PORT));
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port=" + value + " is not a number");
            }
        }
    }
}
