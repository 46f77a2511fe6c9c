package io.krustlet.api;

import java.time.Instant;

/**
 * What a running container uses, as the kubelet's stats and resource metrics report it.
 *
 * @param time when it was measured
 * @param cpuNanos CPU time used since the container started, in nanoseconds (a counter)
 * @param memoryBytes memory in use now (for a wasm module: its linear memory), in bytes
 */
public record ContainerUsage(Instant time, long cpuNanos, long memoryBytes) {
}
