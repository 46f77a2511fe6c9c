package io.krustlet.core.volumes;

import java.util.List;

/** A volume's content cannot be provided; the message is the kubelet's for the cause. */
final class VolumeSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    VolumeSetupException(String message) {
        super(message);
    }

    VolumeSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Several failures in one, formatted as the kubelet's error aggregates are: {@code [a, b]}. */
    static VolumeSetupException aggregate(List<String> messages) {
        return new VolumeSetupException(messages.size() == 1 ? messages.get(0)
                : "[" + String.join(", ", messages) + "]");
    }
}
