package io.krustlet.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A started container. */
public interface ContainerHandle {

    /** Completes once, when the container has stopped for any reason. Never completes exceptionally. */
    CompletionStage<ContainerExit> exit();

    /**
     * Asks the container to stop. Returns at once; {@link #exit()} completes when it has stopped,
     * at the latest after {@code gracePeriod}. Calling it again, or after the exit, is harmless.
     */
    void stop(Duration gracePeriod);
}
