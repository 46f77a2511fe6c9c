package io.krustlet.core.pod;

import java.util.Optional;

/**
 * A container could not be started; reason and message become its waiting state. The optional
 * event reason is what the kubelet would record as the Event for it ({@code FailedMount},
 * {@code Failed}), which can differ from the waiting reason.
 */
public class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final String eventReason;

    public LaunchException(String reason, String message) {
        this(reason, message, null);
    }

    /** @param eventReason the Event's reason, or null for none */
    public LaunchException(String reason, String message, String eventReason) {
        super(message);
        this.reason = reason;
        this.eventReason = eventReason;
    }

    public String reason() {
        return reason;
    }

    public Optional<String> eventReason() {
        return Optional.ofNullable(eventReason);
    }
}
