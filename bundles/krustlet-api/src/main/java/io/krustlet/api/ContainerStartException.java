package io.krustlet.api;

import java.util.Objects;

/**
 * A container could not be started. The reason becomes the container's waiting reason, so
 * keep it in the kubelet's vocabulary where one fits ({@code CreateContainerError},
 * {@code InvalidModule}, ...).
 */
public class ContainerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The reason for a module that is not valid WebAssembly or not a runnable command. */
    public static final String INVALID_MODULE = "InvalidModule";
    /** The reason for any other failure to create the container. */
    public static final String CREATE_CONTAINER_ERROR = "CreateContainerError";

    private final String reason;

    public ContainerStartException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ContainerStartException(String reason, String message) {
        this(reason, message, null);
    }

    public String reason() {
        return reason;
    }
}
