package io.krustlet.http.api;

import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;

/**
 * Wakes the log followers when any pod's status changes, so a container's exit ends its follow
 * streams at once instead of at the next poll; the poll (a quarter second) still catches new output.
 */
public final class StatusSignal implements PodStatusListener {

    static final long POLL_MILLIS = 250;

    private final Object monitor = new Object();
    private long generation;

    @Override
    public void statusChanged(PodSnapshot pod) {
        signal();
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        signal();
    }

    public void signal() {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }

    void await() throws InterruptedException {
        synchronized (monitor) {
            long seen = generation;
            long deadline = System.nanoTime() + POLL_MILLIS * 1_000_000;
            while (generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
            }
        }
    }
}
