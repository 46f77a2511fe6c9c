package io.krustlet.api;

/**
 * Limits from the container's {@code resources.limits}.
 *
 * @param memoryBytes the most memory the module may use, or 0 for no limit
 * @param cpuMillis the CPU limit in millicores, or 0 for no limit (advisory: a provider may
 *     not be able to enforce it and then says so in its documentation)
 */
public record ResourceLimits(long memoryBytes, long cpuMillis) {
    /** No limits. */
    public static final ResourceLimits NONE = new ResourceLimits(0, 0);

    public ResourceLimits {
        if (memoryBytes < 0 || cpuMillis < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }
}
