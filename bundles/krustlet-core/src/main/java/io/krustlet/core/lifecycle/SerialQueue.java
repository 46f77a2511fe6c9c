package io.krustlet.core.lifecycle;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks posted to it one at a time, in order, on the thread that finds it idle.
 *
 * <p>A pod worker receives events from container threads, timers and the service registry;
 * funnelling them through one queue keeps its state single-threaded without a lock held
 * across calls into providers, and a task posted from inside a task runs after it, never
 * nested in it. With no thread of its own it is also deterministic in tests.
 */
final class SerialQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    void post(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() != 0) {
            return;
        }
        do {
            runOne(tasks.poll());
        } while (pending.decrementAndGet() != 0);
    }

    private static void runOne(Runnable task) {
        try {
            task.run();
        } catch (Throwable e) {
            // nothing may escape: the counter would stay up and wedge the pod's queue for good, and
            // every later event (its stop included) still has to run. A LinkageError from a provider
            // bundle that went away is the likely case.
            LOG.error("Pod worker task failed", e);
        }
    }
}
