package io.krustlet.wagi.cgi;

/**
 * A handler's output is not a CGI response (RFC 3875 section 6); the server answers 502. The
 * message says what is wrong in words a handler's author can act on.
 */
public final class CgiFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public CgiFormatException(String message) {
        super(message);
    }
}
