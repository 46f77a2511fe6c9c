package io.krustlet.wagi.cgi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a CGI environment is made from: one HTTP request as the server received it.
 *
 * @param method the request method ({@code GET})
 * @param rawPath the path as sent, percent-encoded, without the query
 * @param query the query string as sent, without {@code ?}; empty when there is none
 * @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
 * @param scheme {@code http} or {@code https}
 * @param headers the request's header fields in the order received (names as sent)
 * @param remoteAddr the client's address
 * @param serverName the host the client asked for (the {@code Host} header), else the address listened on
 * @param serverPort the port the client asked for, else the port listened on
 * @param contentLength the length of the body the handler gets on stdin, in bytes
 */
public record CgiRequest(String method, String rawPath, String query, String protocol, String scheme,
        List<Map.Entry<String, String>> headers, String remoteAddr, String serverName, int serverPort,
        long contentLength) {

    public CgiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        query = query == null ? "" : query;
        headers = List.copyOf(headers);
    }

    /** The first value of a header, case-insensitive, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
