package io.krustlet.bootstrap.internal;

import java.time.Duration;

/**
 * How often a pending CSR is looked at, how often the wait is reported, and the back-off after a
 * failure (doubling from {@code backoffInitial} to {@code backoffMax}).
 */
public record Timing(Duration pollInterval, Duration progressEvery, Duration backoffInitial, Duration backoffMax) {

    /** Polling a single CSR every 2 s costs the API server little; the kubelet watches it instead. */
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofMinutes(5));
}
