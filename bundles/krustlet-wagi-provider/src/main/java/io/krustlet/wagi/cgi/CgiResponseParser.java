package io.krustlet.wagi.cgi;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header block a handler writes before its body (RFC 3875 section 6; WAGI's
 * {@code compose_response}). The rules, each of which this class enforces:
 *
 * <ul>
 *   <li>The block ends at the first empty line. Lines end in LF or CR LF.</li>
 *   <li>Each line is {@code name: value}; the name is an HTTP token (RFC 9110 5.1), the value
 *       has its surrounding spaces and tabs removed and holds no control characters but tab.
 *       A line without a colon, with an empty or invalid name, or starting with white space
 *       (obsolete line folding, RFC 9112 5.2) makes the output malformed.</li>
 *   <li>At least one of {@code Content-Type}, {@code Location} and {@code Status} must be there
 *       (RFC 3875 6.2; WAGI also counts {@code Status} alone), and none of them twice.</li>
 *   <li>{@code Status: NNN [reason]} sets the status, a three-digit code from 200 to 599 (a CGI
 *       response is final, so 1xx is malformed); the reason phrase is not sent (HTTP/2 has none).</li>
 *   <li>{@code Location} without {@code Status} is a redirect, 302 Found (RFC 3875 6.2.3/6.2.4;
 *       a local path is sent to the client as well, as WAGI does, rather than re-dispatched).</li>
 *   <li>Without either, the status is 200.</li>
 *   <li>Framing and connection fields ({@code Content-Length}, {@code Transfer-Encoding},
 *       {@code Connection}, {@code Keep-Alive}, {@code Upgrade}, {@code TE}, {@code Trailer},
 *       {@code Proxy-Connection}) are the server's to set: they are dropped and reported.</li>
 *   <li>Every other field is passed on as written, repeated names included.</li>
 * </ul>
 */
public final class CgiResponseParser {

    /** Names compared lower-case. */
    static final Set<String> SERVER_OWNED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "upgrade", "te", "trailer", "proxy-connection");

    private CgiResponseParser() {
    }

    /**
     * Where the header block in {@code buffer[0, length)} ends: the index just after the empty
     * line that closes it, or -1 while it is not complete.
     *
     * @param from where to resume a search that found nothing up to there (0 the first time)
     */
    public static int headerEnd(byte[] buffer, int from, int length) {
        // a line is empty when an LF follows the start of the buffer, an LF, or an LF then CR
        for (int i = Math.max(0, from); i < length; i++) {
            if (buffer[i] != '\n') {
                continue;
            }
            if (i == 0 || buffer[i - 1] == '\n' || (buffer[i - 1] == '\r' && (i == 1 || buffer[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Parses a header block, the empty line that ends it included or not.
     *
     * @throws CgiFormatException naming the first rule the block breaks
     */
    public static CgiResponse parse(byte[] block, int length) throws CgiFormatException {
        String text = new String(block, 0, length, StandardCharsets.ISO_8859_1);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        Integer status = null;
        boolean contentType = false;
        boolean location = false;
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new CgiFormatException("header line starts with white space (folded lines are not allowed): "
                        + quote(line));
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new CgiFormatException("header line without a colon: " + quote(line));
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                throw new CgiFormatException("invalid header name " + quote(name));
            }
            String value = trim(line.substring(colon + 1));
            requireFieldValue(name, value);
            switch (name.toLowerCase(Locale.ROOT)) {
                case "status" -> {
                    if (status != null) {
                        throw new CgiFormatException("more than one Status header");
                    }
                    status = statusCode(value);
                }
                case "content-type" -> {
                    if (contentType) {
                        throw new CgiFormatException("more than one Content-Type header");
                    }
                    if (value.isEmpty()) {
                        throw new CgiFormatException("empty Content-Type header");
                    }
                    contentType = true;
                    headers.add(new AbstractMap.SimpleImmutableEntry<>("Content-Type", value));
                }
                case "location" -> {
                    if (location) {
                        throw new CgiFormatException("more than one Location header");
                    }
                    if (value.isEmpty()) {
                        throw new CgiFormatException("empty Location header");
                    }
                    location = true;
                    headers.add(new AbstractMap.SimpleImmutableEntry<>("Location", value));
                }
                default -> {
                    if (SERVER_OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                        dropped.add(name);
                    } else {
                        headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
                    }
                }
            }
        }
        if (status == null && !contentType && !location) {
            throw new CgiFormatException("no Content-Type, Location or Status header");
        }
        int code = status != null ? status : location ? 302 : 200;
        return new CgiResponse(code, headers, dropped);
    }

    private static int statusCode(String value) throws CgiFormatException {
        int end = 0;
        while (end < value.length() && value.charAt(end) != ' ' && value.charAt(end) != '\t') {
            end++;
        }
        String code = value.substring(0, end);
        if (code.length() != 3 || !Character.isDigit(code.charAt(0)) || !Character.isDigit(code.charAt(1))
                || !Character.isDigit(code.charAt(2))) {
            throw new CgiFormatException("Status must start with a three-digit code: " + quote(value));
        }
        int status = Integer.parseInt(code);
        if (status < 200 || status > 599) {
            throw new CgiFormatException("Status " + status + " is not a final HTTP status (200-599)");
        }
        return status;
    }

    private static void requireFieldValue(String name, String value) throws CgiFormatException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new CgiFormatException("control character 0x" + Integer.toHexString(c) + " in the value of "
                        + name);
            }
        }
    }

    /** RFC 9110 5.6.2 token: visible ASCII but delimiters. */
    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String trim(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** A line for a message: quoted, cut at 80 characters, control characters escaped. */
    static String quote(String line) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < line.length() && i < 80; i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(line.length() > 80 ? "...\"" : "\"").toString();
    }
}
