package io.krustlet.testkit.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ScheduledExecutorService} on a {@link ManualClock}: nothing runs until the test calls
 * {@link #advance} or {@link #runDue}, which run the tasks falling due, in due order (ties in the
 * order they were scheduled), on the calling thread, with the clock set to each task's due time.
 * So timers, retries and back-offs are tested in microseconds and without sleeps.
 *
 * <ul>
 *   <li>{@code execute} and {@code submit} schedule with no delay: the task runs at the next
 *       {@code runDue} or {@code advance}, not inside the call, so the code under test sees the
 *       same ordering a real executor thread gives it.
 *   <li>Periodic tasks run again while they fall due within one {@code advance}; at a fixed rate
 *       the next run is due one period after the previous due time, with a fixed delay one delay
 *       after the clock's time when the run ended.
 *   <li>A task that throws completes its future exceptionally, as with any executor, and the
 *       exception also ends the {@code advance} that ran it, so a failing task fails the test at
 *       the line that moved time instead of vanishing into a future nobody reads. A periodic task
 *       that throws is not run again.
 *   <li>After {@link #shutdown} new tasks are refused with {@link RejectedExecutionException};
 *       delayed tasks already scheduled still run once, periodic ones stop (the defaults of
 *       {@link java.util.concurrent.ScheduledThreadPoolExecutor}). {@link #shutdownNow} cancels all.
 * </ul>
 *
 * <p>Tasks may be scheduled and cancelled from any thread; {@code advance} and {@code runDue}
 * run one at a time (a second caller waits for the first).
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(
            Comparator.<Task<?>, Instant>comparing(t -> t.due).thenComparingLong(t -> t.sequence));
    private final ReentrantLock advancing = new ReentrantLock();
    private long sequence; // guarded by this
    private boolean shutdown; // guarded by this

    /** A scheduler on a new clock at {@link ManualClock#DEFAULT_START}. */
    public ManualScheduler() {
        this(new ManualClock());
    }

    /** A scheduler on a new clock at {@code start}. */
    public ManualScheduler(Instant start) {
        this(new ManualClock(start));
    }

    /** A scheduler on {@code clock}; moving the clock by hand makes tasks due for the next {@link #runDue}. */
    public ManualScheduler(ManualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clock this scheduler's time is read from; hand it to the code under test. */
    public ManualClock clock() {
        return clock;
    }

    /**
     * Moves time forward by {@code duration}, running every task due on the way (including tasks
     * those tasks schedule), then leaves the clock at the end of the duration.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws RuntimeException or {@link Error}: whatever a task threw (time stops at that task)
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        advancing.lock();
        try {
            Instant target = clock.instant().plus(duration);
            runUntil(target);
            clock.moveTo(target);
        } finally {
            advancing.unlock();
        }
    }

    /** Runs the tasks due now (for example those just submitted), without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** {@link #schedule(Runnable, long, TimeUnit)} with a {@link Duration}. */
    public ScheduledFuture<?> schedule(Runnable command, Duration delay) {
        return schedule(command, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** When the tasks neither run nor cancelled yet are due, earliest first (a periodic task: its next run). */
    public synchronized List<Instant> pending() {
        return queue.stream().sorted(queue.comparator()).map(t -> t.due).toList();
    }

    private void runUntil(Instant target) {
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    return;
                }
                queue.poll();
                clock.moveTo(next.due);
            }
            next.runOnce();
            Throwable failure = next.failure;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("a scheduled task failed", failure);
            }
            next.rescheduleIfPeriodic();
        }
    }

    private synchronized <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("the scheduler is shut down");
        }
        queue.add(task);
        return task;
    }

    private synchronized boolean requeue(Task<?> task) {
        if (shutdown) {
            return false;
        }
        queue.add(task);
        return true;
    }

    private synchronized void remove(Task<?> task) {
        queue.remove(task);
    }

    private synchronized long nextSequence() {
        return sequence++;
    }

    private Instant dueAfter(long delay, TimeUnit unit) {
        return clock.instant().plusNanos(Math.max(0, unit.toNanos(delay)));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), dueAfter(delay, unit), null, false));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, dueAfter(delay, unit), null, false));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), dueAfter(initialDelay, unit),
                positive(period, unit), true));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), dueAfter(initialDelay, unit),
                positive(delay, unit), false));
    }

    private static Duration positive(long amount, TimeUnit unit) {
        if (amount <= 0) {
            throw new IllegalArgumentException("period must be positive: " + amount + " " + unit);
        }
        return Duration.ofNanos(unit.toNanos(amount));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        List<Task<?>> periodic;
        synchronized (this) {
            shutdown = true;
            periodic = queue.stream().filter(Task::isPeriodic).toList();
        }
        periodic.forEach(t -> t.cancel(false));
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> cancelled;
        synchronized (this) {
            shutdown = true;
            cancelled = new ArrayList<>(queue);
            queue.clear();
        }
        cancelled.forEach(t -> ((Task<?>) t).cancel(false));
        return cancelled;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    /** Never waits: tasks only run inside {@code advance}, so there is nothing to wait for. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long sequence = nextSequence();
        private final Duration period; // null: one-shot
        private final boolean fixedRate;
        private volatile Instant due;
        private volatile Throwable failure;

        Task(Callable<V> callable, Instant due, Duration period, boolean fixedRate) {
            super(callable);
            this.due = due;
            this.period = period;
            this.fixedRate = fixedRate;
        }

        void runOnce() {
            if (period == null) {
                run();
            } else {
                runAndReset();
            }
        }

        void rescheduleIfPeriodic() {
            if (period != null && !isDone()) {
                due = (fixedRate ? due : clock.instant()).plus(period);
                if (!requeue(this)) {
                    cancel(false);
                }
            }
        }

        @Override
        protected void setException(Throwable t) {
            failure = t;
            super.setException(t);
        }

        @Override
        public boolean isPeriodic() {
            return period != null;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due));
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                remove(this);
            }
            return cancelled;
        }

        @Override
        public String toString() {
            return "task #" + sequence + " due " + due + (period == null ? "" : " every " + period);
        }
    }
}
