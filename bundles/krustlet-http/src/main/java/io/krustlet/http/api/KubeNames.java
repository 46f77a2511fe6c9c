package io.krustlet.http.api;

import java.util.regex.Pattern;

/**
 * Names from the URL are checked against the Kubernetes name rules before they get anywhere near a
 * file: a name that is a DNS label or subdomain has no slash, no {@code ..} and no NUL, so a log
 * path built from it stays inside the log directory.
 */
final class KubeNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubeNames() {
    }

    static String namespace(String value) throws HttpError {
        return check("namespace", value, LABEL, 63);
    }

    static String pod(String value) throws HttpError {
        return check("pod name", value, SUBDOMAIN, 253);
    }

    static String container(String value) throws HttpError {
        return check("container name", value, LABEL, 63);
    }

    private static String check(String what, String value, Pattern pattern, int max) throws HttpError {
        if (value == null || value.isEmpty() || value.length() > max || !pattern.matcher(value).matches()) {
            throw HttpError.badRequest("invalid " + what + " \"" + printable(value) + "\": must be a valid DNS "
                    + (pattern == LABEL ? "label" : "subdomain") + " (lower-case letters, digits, '-'"
                    + (pattern == LABEL ? "" : ", '.'") + "; at most " + max + " characters)");
        }
        return value;
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "\\\"");
    }
}
