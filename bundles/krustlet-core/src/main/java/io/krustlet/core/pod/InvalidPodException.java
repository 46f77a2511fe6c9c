package io.krustlet.core.pod;

/** A pod spec the node cannot run; the message says what is wrong, in the API's words. */
public class InvalidPodException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPodException(String message) {
        super(message);
    }
}
