package io.krustlet.api;

import java.time.Instant;
import java.util.Objects;

/**
 * How a container ended, in the terms of a Kubernetes terminated container state.
 *
 * @param exitCode the module's own exit code
 * @param reason {@code Completed} for exit code 0, {@code Error} for a failure, {@code OOMKilled}
 *     when the memory limit was hit, or another short CamelCase reason
 * @param message a human-readable explanation (a trap message, for example), or empty
 * @param finishedAt when it stopped
 */
public record ContainerExit(int exitCode, String reason, String message, Instant finishedAt) {

    /** The reason for a container that ended with exit code 0. */
    public static final String COMPLETED = "Completed";
    /** The reason for a container that failed. */
    public static final String ERROR = "Error";
    /** The reason for a container that hit its memory limit. */
    public static final String OOM_KILLED = "OOMKilled";

    public ContainerExit {
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** An exit with the reason that Kubernetes gives for the code. */
    public static ContainerExit of(int exitCode, String message, Instant finishedAt) {
        return new ContainerExit(exitCode, exitCode == 0 ? COMPLETED : ERROR, message, finishedAt);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
