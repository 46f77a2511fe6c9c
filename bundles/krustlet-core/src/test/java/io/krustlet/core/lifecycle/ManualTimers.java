package io.krustlet.core.lifecycle;

import io.krustlet.testkit.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/** Timers driven by the test, on the testkit's manual scheduler: time moves only when {@link #advance} is called. */
final class ManualTimers implements Timers {

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    public Instant now() {
        return scheduler.clock().instant();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = scheduler.schedule(task, delay);
        return () -> future.cancel(false);
    }

    /** Moves time forward, running every task that falls due, in order. */
    void advance(Duration duration) {
        scheduler.advance(duration);
    }

    int pending() {
        return scheduler.pending().size();
    }
}
