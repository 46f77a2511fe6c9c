package io.krustlet.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A started container. */
public interface ContainerHandle {

    /**
     * Completes once, when the container has stopped for any reason, on any thread. Never completes
     * exceptionally.
     */
    CompletionStage<ContainerExit> exit();

    /**
     * Asks the container to stop. Returns at once, without blocking (it is called from a pod
     * worker's queue); {@link #exit()} completes when it has stopped, at the latest after
     * {@code gracePeriod}. Calling it again (a force delete shortens the grace period), or after the
     * exit, is harmless.
     */
    void stop(Duration gracePeriod);

    /**
     * What the container uses now, for {@code /stats/summary} and {@code /metrics/resource}; empty
     * when the provider does not measure it or the container is no longer running. Called from
     * HTTP threads, often: it must be cheap (a few reads of counters) and never block.
     *
     * @since 1.1
     */
    default Optional<ContainerUsage> usage() {
        return Optional.empty();
    }
}
