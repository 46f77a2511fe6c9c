package io.krustlet.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP API's settings after every source has had its say, in this order: the environment
 * variable {@code KRUSTLET_HTTP_<KEY>}, the Config Admin value of {@code io.krustlet.http}; then,
 * for the keys the kubelet shares ({@code port}, {@code dataDir}, {@code kubeconfig},
 * {@code nodeIP}), the kubelet's own environment variable {@code KRUSTLET_<KEY>} and its
 * configuration as published on its service; then the default. So a node configured once serves
 * its API on the port it reports, with the kubeconfig it joined with.
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

    /** The environment variable that overrides a key: {@code tlsCertFile -> KRUSTLET_HTTP_TLS_CERT_FILE}. */
    public static String environmentName(String key) {
        return "KRUSTLET_HTTP_" + upperSnake(key);
    }

    /** The kubelet's variable for a shared key: {@code dataDir -> KRUSTLET_DATA_DIR}. */
    static String kubeletEnvironmentName(String key) {
        return "KRUSTLET_" + upperSnake(key);
    }

    /** {@code clientCAFile -> CLIENT_CA_FILE}: an acronym is one word, as in the kubelet's --client-ca-file. */
    private static String upperSnake(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .toUpperCase(Locale.ROOT);
    }

    /**
     * @param kubelet the kubelet's service properties (its configuration), for the shared keys
     */
    public static HttpSettings from(HttpConfig config, Map<String, String> env, Map<String, String> system,
            Map<String, ?> kubelet) {
        var values = new Values(env, kubelet);
        String karafData = system.getOrDefault("karaf.data", System.getProperty("java.io.tmpdir"));
        Path dataDir = Path.of(values.shared("dataDir", config.dataDir(), Path.of(karafData, "krustlet").toString()));
        Path pki = dataDir.resolve("pki");
        String clientCa = values.own("clientCAFile", config.clientCAFile(), "");
        return new HttpSettings(
                values.own("address", config.address(), "0.0.0.0"),
                port(values.integer("port", config.port())),
                dataDir,
                Path.of(values.own("tlsCertFile", config.tlsCertFile(), pki.resolve("kubelet.crt").toString())),
                Path.of(values.own("tlsPrivateKeyFile", config.tlsPrivateKeyFile(), pki.resolve("kubelet.key").toString())),
                clientCa.isEmpty() ? null : Path.of(clientCa),
                values.shared("kubeconfig", config.kubeconfig(), ""),
                values.shared("nodeIP", config.nodeIP(), ""),
                values.bool("anonymousAuth", config.anonymousAuth()),
                seconds(values, "authorizationCacheAuthorizedSeconds", config.authorizationCacheAuthorizedSeconds()),
                seconds(values, "authorizationCacheUnauthorizedSeconds", config.authorizationCacheUnauthorizedSeconds()),
                seconds(values, "authenticationCacheSeconds", config.authenticationCacheSeconds()));
    }

    private static Duration seconds(Values values, String key, int configured) {
        int value = values.ownInteger(key, configured);
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

    /** Applies the sources in order and reports values that do not parse. */
    private record Values(Map<String, String> env, Map<String, ?> kubelet) {

        String own(String key, String configured, String fallback) {
            String fromEnv = env.get(environmentName(key));
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.trim();
            }
            return configured == null || configured.isBlank() ? fallback : configured.trim();
        }

        String shared(String key, String configured, String fallback) {
            String own = own(key, configured, "");
            if (!own.isEmpty()) {
                return own;
            }
            String fromKubeletEnv = env.get(kubeletEnvironmentName(key));
            if (fromKubeletEnv != null && !fromKubeletEnv.isBlank()) {
                return fromKubeletEnv.trim();
            }
            Object fromKubelet = kubelet.get(key);
            return fromKubelet == null || fromKubelet.toString().isBlank() ? fallback : fromKubelet.toString().trim();
        }

        /** {@code port}: 0 in our configuration means "not set", so the kubelet's port applies. */
        int integer(String key, int configured) {
            String value = shared(key, configured == 0 ? "" : Integer.toString(configured),
                    Integer.toString(DEFAULT_PORT));
            return parse(key, value);
        }

        int ownInteger(String key, int configured) {
            return parse(key, own(key, Integer.toString(configured), ""));
        }

        boolean bool(String key, boolean configured) {
            String fromEnv = env.get(environmentName(key));
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

        private int parse(String key, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + value + " is not a number");
            }
        }
    }
}
