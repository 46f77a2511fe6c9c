package io.krustlet.http.logs;

/** A log request the kubelet answers with 400 Bad Request: a malformed parameter, a run that does not exist. */
public final class BadLogRequest extends Exception {

    private static final long serialVersionUID = 1L;

    public BadLogRequest(String message) {
        super(message, null, false, false);
    }
}
