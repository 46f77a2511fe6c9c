package io.krustlet.wagi.cgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The environment and arguments of a handler for one request, as WAGI (deislabs/wagi
 * {@code build_headers}, docs/environment_variables.md) and CGI 1.1 (RFC 3875 section 4) define
 * them. Pure: no I/O, no clock.
 */
public final class CgiEnvironment {

    /** {@code GATEWAY_INTERFACE}. */
    public static final String GATEWAY_INTERFACE = "CGI/1.1";
    /** {@code SERVER_SOFTWARE}: WAGI's own value, which modules written for WAGI may test. */
    public static final String SERVER_SOFTWARE = "WAGI/1";

    /**
     * Header fields that do not become {@code HTTP_*} variables: credentials (RFC 3875 4.1.18
     * SHOULD remove them), the ones already in {@code CONTENT_LENGTH} and {@code CONTENT_TYPE},
     * the hop-by-hop fields of the client's connection, and {@code Proxy}, whose {@code HTTP_PROXY}
     * would pass for the proxy setting of HTTP clients inside the handler ("httpoxy", CVE-2016-5385).
     */
    static final Set<String> NOT_PASSED = Set.of("authorization", "proxy-authorization", "content-length",
            "content-type", "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade",
            "proxy");

    private CgiEnvironment() {
    }

    /**
     * The handler's environment: the pod's own variables first, then the request's CGI
     * variables, which win over a pod variable of the same name (so a handler can trust
     * {@code REQUEST_METHOD} and the others, as WAGI orders them).
     *
     * @param route the route that matched
     * @param request the request
     * @param podEnv the container's environment from its pod spec
     * @return the variables in that order
     */
    public static Map<String, String> build(Route route, CgiRequest request, Map<String, String> podEnv) {
        Map<String, String> env = new LinkedHashMap<>(podEnv);
        String rawPathInfo = route.rawPathInfo(request.rawPath());
        String pathInfo = percentDecode(rawPathInfo);
        env.put("AUTH_TYPE", "");
        env.put("CONTENT_LENGTH", Long.toString(request.contentLength()));
        String contentType = request.header("Content-Type");
        env.put("CONTENT_TYPE", contentType == null ? "" : contentType);
        env.put("GATEWAY_INTERFACE", GATEWAY_INTERFACE);
        env.put("PATH_INFO", pathInfo);
        // there is no document root to map PATH_INFO into, so it stays as it is (as in WAGI)
        env.put("PATH_TRANSLATED", pathInfo);
        env.put("QUERY_STRING", request.query());
        env.put("REMOTE_ADDR", request.remoteAddr());
        env.put("REMOTE_HOST", request.remoteAddr()); // RFC 3875 4.1.9: MAY be REMOTE_ADDR
        env.put("REMOTE_USER", "");
        env.put("REQUEST_METHOD", request.method());
        env.put("SCRIPT_NAME", route.scriptName());
        env.put("SERVER_NAME", request.serverName());
        env.put("SERVER_PORT", Integer.toString(request.serverPort()));
        env.put("SERVER_PROTOCOL", request.protocol());
        env.put("SERVER_SOFTWARE", SERVER_SOFTWARE);
        env.put("X_MATCHED_ROUTE", route.text());
        env.put("X_RAW_PATH_INFO", rawPathInfo);
        env.put("X_FULL_URL", request.scheme() + "://" + request.serverName() + ":" + request.serverPort()
                + request.rawPath() + (request.query().isEmpty() ? "" : "?" + request.query()));
        headers(request.headers()).forEach(env::put);
        return env;
    }

    /**
     * {@code HTTP_*} variables (RFC 3875 4.1.18): the name upper-cased with {@code -} turned into
     * {@code _}; repeated fields joined into one value with {@code ", "} ({@code "; "} for
     * {@code Cookie}, RFC 6265 5.4). A field whose name holds anything but letters, digits and
     * {@code -} is dropped: {@code X_Forwarded_For} would otherwise pass for
     * {@code X-Forwarded-For} (nginx and Apache drop them too).
     */
    static Map<String, String> headers(List<Map.Entry<String, String>> fields) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : fields) {
            String name = field.getKey();
            if (!isPlainName(name) || NOT_PASSED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String key = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
            String separator = key.equals("HTTP_COOKIE") ? "; " : ", ";
            vars.merge(key, field.getValue(), (a, b) -> a + separator + b);
        }
        return vars;
    }

    private static boolean isPlainName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The handler's arguments, as WAGI passes them: {@code argv[0]} is the request path, then one
     * entry per {@code &}-separated item of the query string, as sent (not decoded: a handler
     * that needs {@code a=b%26c} intact gets it intact). No query, no further entries.
     */
    public static List<String> argv(CgiRequest request) {
        List<String> argv = new ArrayList<>();
        argv.add(request.rawPath());
        if (!request.query().isEmpty()) {
            for (String item : request.query().split("&", -1)) {
                argv.add(item);
            }
        }
        return argv;
    }

    /**
     * Percent-decodes a path as UTF-8 ({@code +} stays a plus: that rule is for forms, not paths);
     * a {@code %} not followed by two hex digits stays as it is.
     */
    public static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hi;
            int lo;
            if (bytes[i] == '%' && i + 2 < bytes.length && (hi = hex(bytes[i + 1])) >= 0
                    && (lo = hex(bytes[i + 2])) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
