package io.krustlet.wagi.cgi;

import java.util.Objects;

/**
 * A WAGI route: the request paths one handler answers. {@code /foo} answers {@code /foo} only;
 * {@code /foo/...} answers {@code /foo} and everything below it ({@code /foo/bar}), but not
 * {@code /foobar}; {@code /...} answers every path. Matching is on the request's path as sent
 * (percent-encoded), as WAGI's dispatcher does (deislabs/wagi {@code RoutePattern}).
 *
 * @param text the route as written, for {@code X_MATCHED_ROUTE}
 * @param base the path without the {@code /...} suffix
 * @param prefix whether the route ends in {@code /...}
 */
public record Route(String text, String base, boolean prefix) {

    /** The suffix that makes a route a prefix. */
    public static final String WILDCARD = "/...";
    /** The route of a handler that was given none: every path. */
    public static final Route ALL = parse(WILDCARD);

    public Route {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(base, "base");
    }

    /**
     * Reads a route as WAGI writes them.
     *
     * @throws IllegalArgumentException for a route that does not start with {@code /}, or holds
     *     a query, a fragment, whitespace or control characters, saying which
     */
    public static Route parse(String text) {
        String route = text == null ? "" : text.strip();
        if (!route.startsWith("/")) {
            throw new IllegalArgumentException("a route must start with '/' (for example /api/...), not '" + text + "'");
        }
        for (int i = 0; i < route.length(); i++) {
            char c = route.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '?' || c == '#') {
                throw new IllegalArgumentException("a route is a path without spaces, '?' or '#': '" + text + "'");
            }
        }
        if (route.endsWith(WILDCARD)) {
            return new Route(route, route.substring(0, route.length() - WILDCARD.length()), true);
        }
        if (route.contains("...")) {
            throw new IllegalArgumentException("'...' may only end a route, as '/...': '" + text + "'");
        }
        return new Route(route, route, false);
    }

    /** Whether this route answers {@code rawPath} (the request path as sent, before decoding). */
    public boolean matches(String rawPath) {
        if (!prefix) {
            return base.equals(rawPath);
        }
        return rawPath.startsWith(base) && (rawPath.length() == base.length() || rawPath.charAt(base.length()) == '/');
    }

    /**
     * {@code SCRIPT_NAME}: the part of the path the route names ({@code /foo} for {@code /foo/...}),
     * and {@code /} for the route {@code /...}, as WAGI sets it.
     */
    public String scriptName() {
        return base.isEmpty() ? "/" : base;
    }

    /**
     * The rest of a matching path after the route's base, still percent-encoded
     * ({@code X_RAW_PATH_INFO}): {@code /bar} for {@code /foo/bar} under {@code /foo/...}, empty for
     * an exact route.
     */
    public String rawPathInfo(String rawPath) {
        return rawPath.startsWith(base) ? rawPath.substring(base.length()) : "";
    }

    @Override
    public String toString() {
        return text;
    }
}
