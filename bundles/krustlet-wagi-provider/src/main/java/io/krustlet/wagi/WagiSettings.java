package io.krustlet.wagi;

import io.krustlet.wasm.Engine;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The provider's settings: {@link WagiConfig} with {@code KRUSTLET_WAGI_*} environment overrides
 * applied, checked.
 *
 * @param engine how modules run
 * @param maxCachedModules compiled modules kept
 * @param bindAddress the address to listen on, or empty for the node's
 * @param defaults the per-container limits a pod's annotations may override
 * @param retryAfterSeconds {@code Retry-After} of a 503 at the concurrency limit
 * @param idleTimeout how long idle keep-alive connections stay open
 */
record WagiSettings(Engine engine, int maxCachedModules, String bindAddress, ContainerSettings defaults,
        int retryAfterSeconds, Duration idleTimeout) {

    static final String ENV_PREFIX = "KRUSTLET_WAGI_";

    /**
     * @param env the process environment ({@code System.getenv()}), whose {@code KRUSTLET_WAGI_*} win
     * @throws IllegalArgumentException naming the setting that is not valid
     */
    static WagiSettings from(WagiConfig config, Map<String, String> env) {
        Function<String, String> override = key -> {
            String value = env.get(ENV_PREFIX + upperSnake(key));
            return value == null || value.isBlank() ? null : value.strip();
        };
        String engine = or(override.apply("engine"), config.engine());
        int cached = intSetting("maxCachedModules", or(override.apply("maxCachedModules"), config.maxCachedModules()), 1);
        String bind = or(override.apply("bindAddress"), config.bindAddress()).strip();
        int timeout = intSetting("timeoutSeconds", or(override.apply("timeoutSeconds"), config.timeoutSeconds()), 1);
        int concurrency = intSetting("maxConcurrentRequests",
                or(override.apply("maxConcurrentRequests"), config.maxConcurrentRequests()), 0);
        long body = longSetting("maxRequestBodyBytes",
                or(override.apply("maxRequestBodyBytes"), config.maxRequestBodyBytes()), 0);
        long response = longSetting("maxResponseBytes", or(override.apply("maxResponseBytes"), config.maxResponseBytes()), 1);
        int retryAfter = intSetting("retryAfterSeconds", or(override.apply("retryAfterSeconds"), config.retryAfterSeconds()), 0);
        int idle = intSetting("idleTimeoutSeconds", or(override.apply("idleTimeoutSeconds"), config.idleTimeoutSeconds()), 1);
        if (concurrency == 0) {
            concurrency = 2 * Runtime.getRuntime().availableProcessors();
        }
        var defaults = new ContainerSettings(null, Duration.ofSeconds(timeout), concurrency, body, response);
        return new WagiSettings(Engine.parse(engine), cached, bind, defaults, retryAfter, Duration.ofSeconds(idle));
    }

    private static String or(String override, Object configured) {
        return override != null ? override : String.valueOf(configured);
    }

    private static int intSetting(String key, String value, int min) {
        long n = longSetting(key, value, min);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + "=" + value + " is too large");
        }
        return (int) n;
    }

    private static long longSetting(String key, String value, long min) {
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException(key + "=" + value + " must be at least " + min);
        }
        return n;
    }

    /** {@code maxConcurrentRequests} to {@code MAX_CONCURRENT_REQUESTS}. */
    static String upperSnake(String key) {
        StringBuilder out = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (Character.isUpperCase(c) && out.length() > 0) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
