package io.krustlet.bootstrap;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code KRUSTLET_*} environment overrides of a bundle's Config Admin settings, by one rule for
 * every bundle of the node: a setting's key in camel case becomes {@code <prefix><KEY_IN_UPPER_SNAKE>}
 * ({@code maxPods -> KRUSTLET_MAX_PODS}, {@code tlsCertFile -> KRUSTLET_HTTP_TLS_CERT_FILE}). An
 * acronym followed by a word is one word ({@code serverTLSBootstrap -> KRUSTLET_SERVER_TLS_BOOTSTRAP},
 * {@code clientCAFile -> KRUSTLET_HTTP_CLIENT_CA_FILE}); the compact spelling that keeps the acronym
 * joined to the next word ({@code KRUSTLET_SERVER_TLSBOOTSTRAP}, {@code KRUSTLET_KUBE_APIBURST}, the
 * names the kubelet's settings were documented with) is accepted too. When both are set, the first
 * one wins.
 *
 * <p>A variable that is unset or blank does not override. A value is trimmed. A value that does not
 * parse is a configuration error ({@link IllegalArgumentException} naming the variable and its
 * value), never silently ignored.
 *
 * <p>Immutable and thread-safe: it reads the map it was given (usually {@link System#getenv()}).
 */
public final class EnvironmentOverrides {

    /** The prefix of the kubelet's own variables and of those every bundle shares with it. */
    public static final String KRUSTLET = "KRUSTLET_";

    private final String prefix;
    private final Map<String, String> env;

    private EnvironmentOverrides(String prefix, Map<String, String> env) {
        this.prefix = prefix;
        this.env = Map.copyOf(env);
    }

    /**
     * @param prefix what every variable starts with, {@link #KRUSTLET} or a bundle's own, such as
     *     {@code KRUSTLET_HTTP_}
     * @param env the environment, variable name to value
     */
    public static EnvironmentOverrides of(String prefix, Map<String, String> env) {
        return new EnvironmentOverrides(prefix, env);
    }

    /** The kubelet's variables: {@code KRUSTLET_<KEY>}. */
    public static EnvironmentOverrides kubelet(Map<String, String> env) {
        return of(KRUSTLET, env);
    }

    /** The variable that overrides a key: {@code clientCAFile -> <prefix>CLIENT_CA_FILE}. */
    public String name(String key) {
        return prefix + upperSnake(key);
    }

    /** The compact spelling, accepted too: {@code kubeAPIBurst -> <prefix>KUBE_APIBURST}. */
    public String compactName(String key) {
        return prefix + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** The override of a key, trimmed; empty when neither spelling is set or the value is blank. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(variable(key)).map(v -> env.get(v).trim());
    }

    /**
     * The override, else the configured value, else the fallback (a blank configured value counts
     * as unset, as Config Admin files leave keys empty).
     */
    public String string(String key, String configured, String fallback) {
        return get(key).orElse(configured == null || configured.isBlank() ? fallback : configured.trim());
    }

    /** @throws IllegalArgumentException when the override is not an int */
    public int integer(String key, int configured) {
        return parsed(key, Integer::parseInt, "a number").orElse(configured);
    }

    /** @throws IllegalArgumentException when the override is not a long */
    public long longValue(String key, long configured) {
        return parsed(key, Long::parseLong, "a number").orElse(configured);
    }

    /**
     * {@code true/1/yes} or {@code false/0/no}, in any case.
     *
     * @throws IllegalArgumentException when the override is none of them
     */
    public boolean bool(String key, boolean configured) {
        return parsed(key, EnvironmentOverrides::parseBoolean, "a boolean (true or false)").orElse(configured);
    }

    private <T> Optional<T> parsed(String key, Function<String, T> parser, String what) {
        String variable = variable(key);
        if (variable == null) {
            return Optional.empty();
        }
        String value = env.get(variable);
        try {
            return Optional.of(parser.apply(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + "=" + value + " is not " + what);
        }
    }

    /** The variable that is set for a key, or null. */
    private String variable(String key) {
        for (String name : new String[] {name(key), compactName(key)}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return name;
            }
        }
        return null;
    }

    private static Boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

    /** {@code clientCAFile -> CLIENT_CA_FILE}: an acronym is one word, as in the kubelet's --client-ca-file. */
    private static String upperSnake(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .toUpperCase(Locale.ROOT);
    }
}
