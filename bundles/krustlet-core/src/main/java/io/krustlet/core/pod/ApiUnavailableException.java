package io.krustlet.core.pod;

/**
 * The API server could not answer (unreachable, forbidden, no API at all in standalone mode).
 * Unlike a missing object this is not the pod's fault: the container waits and is retried.
 */
public class ApiUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ApiUnavailableException(String message) {
        super(message);
    }

    public ApiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
