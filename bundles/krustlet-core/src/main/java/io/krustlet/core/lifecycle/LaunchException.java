package io.krustlet.core.lifecycle;

/** A container could not be started; reason and message become its waiting state. */
public class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public LaunchException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
