package io.krustlet.api;

import java.time.Instant;

/**
 * What a running container uses, as the kubelet's stats and resource metrics report it.
 *
 * @param time when it was measured
 * @param cpuNanos CPU time used since the container started, in nanoseconds (a counter)
 * @param memoryBytes memory in use now (for a wasm module: its linear memory; for a container
 *     that runs one instance per request, the linear memory of the instances running now), in bytes
 * @param requests for a container that serves requests (the {@code wagi} runtime), what it has
 *     served since it started; {@code null} for a container that serves none (since 1.2)
 */
public record ContainerUsage(Instant time, long cpuNanos, long memoryBytes, RequestStats requests) {

    /** A container that serves no requests (the 1.1 shape). */
    public ContainerUsage(Instant time, long cpuNanos, long memoryBytes) {
        this(time, cpuNanos, memoryBytes, null);
    }
}
