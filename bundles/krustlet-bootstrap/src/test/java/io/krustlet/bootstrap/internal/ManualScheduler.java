package io.krustlet.bootstrap.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduler and clock the test moves by hand: {@link #advance} runs every task that falls due on
 * the way, in time order, on the test's thread, with the clock set to each task's time.
 */
final class ManualScheduler extends Clock implements Scheduler {

    private record Task(Instant due, long order, Runnable task) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private Instant now;
    private long order;

    ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task entry = new Task(now.plus(delay), order++, task);
        tasks.add(entry);
        return () -> {
            synchronized (this) {
                tasks.remove(entry);
            }
        };
    }

    /** Runs what is due now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    void advance(Duration duration) {
        Instant target = now.plus(duration);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due().isAfter(target))
                        .min(Comparator.comparing(Task::due).thenComparingLong(Task::order)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                if (next.due().isAfter(now)) {
                    now = next.due();
                }
            }
            next.task().run();
        }
        now = target;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
