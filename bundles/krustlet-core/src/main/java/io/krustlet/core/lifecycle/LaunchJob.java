package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.status.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launch of a container, run on a launch thread: it may pull an image, wait for the API
 * server or compile a module, so it never runs on the pod's queue. It can be cancelled from the
 * queue: a launch that has not begun never begins, and one under way has its thread interrupted,
 * which ends a blocked pull, API call or file read at once (the image service and the HTTP
 * clients under it answer interrupts). Its outcome is reported exactly once, on the launch thread;
 * the worker posts it to its queue.
 */
final class LaunchJob implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchJob.class);

    /** The blocking part of a launch. */
    interface Step {
        ContainerLauncher.Launch run() throws LaunchException;
    }

    /** How a launch ended. */
    interface Outcome {
        void launched(ContainerLauncher.Launch launch);

        /**
         * @param eventReason the Event the kubelet would record for it, or null for its default
         * @param cancelled whether the launch was cancelled (then no Event is due)
         */
        void failed(String reason, String message, String eventReason, boolean cancelled);
    }

    private final ContainerRuntime provider;
    private final Step step;
    private final Outcome outcome;
    private Thread thread; // guarded by this
    private boolean cancelled; // guarded by this

    LaunchJob(ContainerRuntime provider, Step step, Outcome outcome) {
        this.provider = provider;
        this.step = step;
        this.outcome = outcome;
    }

    /** The provider the container is being started on. */
    ContainerRuntime provider() {
        return provider;
    }

    @Override
    public void run() {
        if (!begin()) {
            outcome.failed(Reasons.CREATE_CONTAINER_ERROR, "the launch was cancelled", null, true);
            return;
        }
        ContainerLauncher.Launch launch = null;
        LaunchException failure = null;
        try {
            launch = step.run();
        } catch (LaunchException e) {
            failure = e;
        } catch (Throwable e) {
            // whatever a provider throws (a LinkageError from a bundle that left, say), the
            // container must leave LAUNCHING, or the pod could never stop
            if (!isCancelled()) {
                LOG.error("Starting a container failed", e);
            }
            failure = new LaunchException(Reasons.CREATE_CONTAINER_ERROR, String.valueOf(e.getMessage()));
        } finally {
            end();
        }
        if (launch != null) {
            outcome.launched(launch);
        } else {
            outcome.failed(failure.reason(), failure.getMessage(), failure.eventReason().orElse(null), isCancelled());
        }
    }

    private synchronized boolean begin() {
        if (cancelled) {
            return false;
        }
        thread = Thread.currentThread();
        return true;
    }

    private void end() {
        synchronized (this) {
            thread = null;
        }
        Thread.interrupted(); // a late cancel must not leave the pool's thread interrupted
    }

    /** Cancels the launch: it does not begin, or its thread is interrupted. Idempotent; never blocks. */
    synchronized void cancel() {
        cancelled = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }
}
