package io.krustlet.wasm.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which outbound HTTP requests a module may make, set per pod by Krustlet's annotations
 * (Krustlet's wasi provider, {@code states/container/waiting.rs}):
 * <ul>
 *   <li>{@value #ALLOWED_DOMAINS}: a JSON list of URLs, for example
 *       {@code ["https://api.example.com", "http://127.0.0.1:8080"]}; a request may go to a host
 *       named in the list (and to its port, when the entry names one); {@value #ALLOW_ALL}
 *       allows every destination. None by default.</li>
 *   <li>{@value #MAX_CONCURRENT_REQUESTS}: the most responses a module holds open at once
 *       (a request beyond is {@code too_many_sessions}); no limit by default.</li>
 * </ul>
 *
 * @param allowed the allowed destinations, as written in the annotation
 * @param maxConcurrentRequests the most open responses, or 0 for no limit
 * @param client the HTTP client requests go through (shared by a provider's modules)
 */
public record HttpPolicy(List<String> allowed, int maxConcurrentRequests, Supplier<HttpClient> client) {

    public static final String ALLOWED_DOMAINS = "alpha.wasi.krustlet.dev/allowed-domains";
    public static final String MAX_CONCURRENT_REQUESTS = "alpha.wasi.krustlet.dev/max-concurrent-requests";
    /** The entry that allows every destination (as in wasi-experimental-http). */
    public static final String ALLOW_ALL = "insecure:allow-all";

    /** No outbound requests at all. */
    public static final HttpPolicy NONE = new HttpPolicy(List.of(), 0, () -> null);

    public HttpPolicy {
        allowed = List.copyOf(allowed);
    }

    /**
     * The policy a pod's annotations set.
     *
     * @throws IllegalArgumentException naming the annotation and what is wrong with it
     */
    public static HttpPolicy fromAnnotations(Map<String, String> annotations, Supplier<HttpClient> client) {
        String domains = annotations.get(ALLOWED_DOMAINS);
        String max = annotations.get(MAX_CONCURRENT_REQUESTS);
        if (domains == null && max == null) {
            return NONE;
        }
        List<String> allowed = domains == null ? List.of() : JsonStrings.parse(ALLOWED_DOMAINS, domains);
        for (String entry : allowed) {
            if (!entry.equals(ALLOW_ALL) && host(entry) == null) {
                throw new IllegalArgumentException("annotation " + ALLOWED_DOMAINS + ": \"" + entry
                        + "\" is not a URL with a host (for example \"https://api.example.com\")");
            }
        }
        int limit = 0;
        if (max != null) {
            try {
                limit = Integer.parseInt(max.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                throw new IllegalArgumentException("annotation " + MAX_CONCURRENT_REQUESTS + ": \"" + max
                        + "\" is not a positive whole number");
            }
        }
        return new HttpPolicy(allowed, limit, client);
    }

    /**
     * Whether a request to {@code url} may be made: its host is named by an entry (case
     * insensitive), and its port equals the entry's when the entry names a port.
     */
    public boolean allows(URI url) {
        String host = url.getHost();
        if (host == null) {
            return false;
        }
        for (String entry : allowed) {
            if (entry.equals(ALLOW_ALL)) {
                return true;
            }
            URI allowedUri = host(entry);
            if (allowedUri != null && allowedUri.getHost().toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))
                    && (allowedUri.getPort() < 0 || allowedUri.getPort() == port(url))) {
                return true;
            }
        }
        return false;
    }

    private static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static URI host(String entry) {
        try {
            URI uri = new URI(entry);
            return uri.getHost() == null ? null : uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The smallest JSON reader for a list of strings, so the runtime library needs no JSON library. */
    static final class JsonStrings {
        private final String name;
        private final String text;
        private int at;

        private JsonStrings(String name, String text) {
            this.name = name;
            this.text = text;
        }

        static List<String> parse(String name, String text) {
            return new JsonStrings(name, text).list();
        }

        private List<String> list() {
            List<String> values = new ArrayList<>();
            expect('[');
            if (peek() == ']') {
                at++;
            } else {
                while (true) {
                    values.add(string());
                    char c = next();
                    if (c == ']') {
                        break;
                    }
                    if (c != ',') {
                        throw error("expected , or ]");
                    }
                }
            }
            if (peek() != 0) {
                throw error("unexpected text after the list");
            }
            return values;
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = at < text.length() ? text.charAt(at++) : 0;
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (at + 4 > text.length()) {
                                throw error("bad \\u escape");
                            }
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> throw error("bad escape");
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private char peek() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            return at < text.length() ? text.charAt(at) : 0;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("annotation " + name + " is not a JSON list of URLs (" + what
                    + " at character " + at + "): " + text);
        }
    }
}
