package io.krustlet.wagi;

import io.krustlet.wagi.cgi.Route;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What one wagi container answers and within which limits: the provider's defaults, overridden
 * by the pod's annotations. Each annotation may name one container by a suffix
 * ({@code wagi.krustlet.dev/route.api} applies to the container {@code api} only, and wins over
 * {@code wagi.krustlet.dev/route}).
 *
 * @param route the route served; null in the provider's defaults
 * @param timeout the longest a handler runs for one request
 * @param maxConcurrency requests answered at once before 503
 * @param maxRequestBodyBytes the largest request body accepted (413 past it)
 * @param maxResponseBytes the largest response body a handler may write
 */
record ContainerSettings(Route route, Duration timeout, int maxConcurrency, long maxRequestBodyBytes,
        long maxResponseBytes) {

    static final String PREFIX = "wagi.krustlet.dev/";
    static final String ROUTE = PREFIX + "route";
    static final String TIMEOUT = PREFIX + "timeout";
    static final String MAX_CONCURRENCY = PREFIX + "max-concurrency";
    static final String MAX_REQUEST_BODY = PREFIX + "max-request-body";
    static final String MAX_RESPONSE_SIZE = PREFIX + "max-response-size";

    /**
     * @throws IllegalArgumentException naming the annotation whose value is not valid, and why
     */
    static ContainerSettings of(Map<String, String> annotations, String container, ContainerSettings defaults) {
        Route route = Route.ALL;
        String text = annotation(annotations, ROUTE, container);
        if (text != null) {
            route = parse(ROUTE, container, annotations, () -> Route.parse(text));
        }
        Duration timeout = defaults.timeout();
        String t = annotation(annotations, TIMEOUT, container);
        if (t != null) {
            timeout = parse(TIMEOUT, container, annotations, () -> duration(t));
        }
        int concurrency = defaults.maxConcurrency();
        String c = annotation(annotations, MAX_CONCURRENCY, container);
        if (c != null) {
            concurrency = parse(MAX_CONCURRENCY, container, annotations, () -> (int) Math.min(Integer.MAX_VALUE,
                    positive(Long.parseLong(c.strip()))));
        }
        long body = defaults.maxRequestBodyBytes();
        String b = annotation(annotations, MAX_REQUEST_BODY, container);
        if (b != null) {
            body = parse(MAX_REQUEST_BODY, container, annotations, () -> bytes(b));
        }
        long response = defaults.maxResponseBytes();
        String r = annotation(annotations, MAX_RESPONSE_SIZE, container);
        if (r != null) {
            response = parse(MAX_RESPONSE_SIZE, container, annotations, () -> positive(bytes(r)));
        }
        return new ContainerSettings(route, timeout, concurrency, body, response);
    }

    private static String annotation(Map<String, String> annotations, String key, String container) {
        String own = annotations.get(key + "." + container);
        return own != null ? own : annotations.get(key);
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String key, String container, Map<String, String> annotations, Parse<T> parse) {
        String name = annotations.containsKey(key + "." + container) ? key + "." + container : key;
        try {
            return parse.get();
        } catch (RuntimeException e) {
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new IllegalArgumentException("annotation " + name + "=\"" + annotations.get(name) + "\": " + why);
        }
    }

    private static long positive(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return n;
    }

    /**
     * A duration as Kubernetes users write them: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h},
     * or a number of seconds.
     */
    static Duration duration(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (s.endsWith("ms")) {
            d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        } else if (s.endsWith("s")) {
            d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        } else if (s.endsWith("m")) {
            d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
        } else if (s.endsWith("h")) {
            d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 3600);
        } else {
            d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be longer than 0 (for example 30s, 500ms, 2m)");
        }
        return d;
    }

    /** Bytes as a Kubernetes quantity: {@code 1048576}, {@code 512Ki}, {@code 10Mi}, {@code 1Gi}, {@code 100k}, {@code 5M}. */
    static long bytes(String text) {
        String s = text.strip();
        String[][] suffixes = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"k", "1000"},
            {"K", "1000"}, {"M", "1000000"}, {"G", "1000000000"}};
        long n = -1;
        for (String[] suffix : suffixes) {
            if (s.endsWith(suffix[0])) {
                n = Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - suffix[0].length()).strip()),
                        Long.parseLong(suffix[1]));
                break;
            }
        }
        if (n == -1) {
            n = Long.parseLong(s);
        }
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return n;
    }
}
