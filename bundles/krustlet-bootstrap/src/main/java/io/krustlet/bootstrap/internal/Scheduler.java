package io.krustlet.bootstrap.internal;

import java.time.Duration;

/** Runs tasks later, one at a time; tests drive a manual one with their own clock. */
public interface Scheduler {

    Cancellable schedule(Runnable task, Duration delay);

    interface Cancellable {
        void cancel();
    }
}
