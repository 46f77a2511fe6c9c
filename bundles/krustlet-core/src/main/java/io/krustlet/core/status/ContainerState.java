package io.krustlet.core.status;

import java.time.Instant;

/** A container state as the Kubernetes API has it: exactly one of waiting, running, terminated. */
public sealed interface ContainerState {

    /** Not running yet, or between runs. */
    record Waiting(String reason, String message) implements ContainerState {
    }

    /** Running since {@code startedAt}. */
    record Running(Instant startedAt) implements ContainerState {
    }

    /** Ended. {@code startedAt} is null for a container that never got to run. */
    record Terminated(int exitCode, String reason, String message, Instant startedAt, Instant finishedAt)
            implements ContainerState {
    }

    /** A short word for tables: the reason when there is one, else the state's name. */
    default String summary() {
        if (this instanceof Waiting w) {
            return w.reason();
        }
        if (this instanceof Terminated t) {
            return t.reason();
        }
        return "Running";
    }
}
