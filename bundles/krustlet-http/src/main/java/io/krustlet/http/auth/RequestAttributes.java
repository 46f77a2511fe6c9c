package io.krustlet.http.auth;

import java.util.Locale;

/**
 * What a request asks for, in the kubelet's terms: a verb on the {@code nodes} resource named after
 * this node, with a subresource chosen from the path ({@code /stats/*} stats, {@code /metrics*}
 * metrics, {@code /logs/*} log, everything else proxy).
 */
public record RequestAttributes(UserInfo user, String verb, String resource, String subresource, String name,
        String path) {

    public static RequestAttributes of(UserInfo user, String method, String path, String nodeName) {
        return new RequestAttributes(user, verb(method), "nodes", subresource(path), nodeName, path);
    }

    static String verb(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
        };
    }

    static String subresource(String path) {
        if (isSubpath(path, "/stats")) {
            return "stats";
        }
        if (isSubpath(path, "/metrics")) {
            return "metrics";
        }
        if (isSubpath(path, "/logs")) {
            return "log";
        }
        return "proxy";
    }

    /** The kubelet's {@code isSubpath}: the path itself or anything under it. */
    private static boolean isSubpath(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The kubelet's wording, for 403 and 500 answers. */
    public String describe() {
        return "user=" + user.name() + ", verb=" + verb + ", resource=" + resource + ", subresource=" + subresource;
    }
}
