package io.krustlet.core.lifecycle;

import java.time.Duration;
import java.time.Instant;

/** Time for the pod lifecycle: a clock and delayed tasks. Tests use a manual one; no sleeps. */
public interface Timers {

    Instant now();

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that may be called off. */
    interface Cancellable {
        void cancel();
    }
}
