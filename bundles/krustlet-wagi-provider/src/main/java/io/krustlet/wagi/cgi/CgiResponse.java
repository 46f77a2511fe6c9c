package io.krustlet.wagi.cgi;

import java.util.List;
import java.util.Map;

/**
 * The head of a handler's response, read from its CGI header block.
 *
 * @param status the HTTP status to send
 * @param headers the header fields to send, in the handler's order (repeated names kept, as
 *     {@code Set-Cookie} needs)
 * @param dropped names of fields the handler sent that the server sets itself (framing and
 *     connection fields), for the log
 */
public record CgiResponse(int status, List<Map.Entry<String, String>> headers, List<String> dropped) {

    public CgiResponse {
        headers = List.copyOf(headers);
        dropped = List.copyOf(dropped);
    }

    /** Whether HTTP allows this status a body (not for 204 No Content and 304 Not Modified, RFC 9110 15.3.5, 15.4.5). */
    public boolean allowsBody() {
        return status != 204 && status != 304;
    }
}
