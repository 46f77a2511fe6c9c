package io.krustlet.core.status.logs;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.KubeletPods;
import java.util.function.BooleanSupplier;

/**
 * Follows one run of a container: the stream ends when that run stops (the container exits or
 * restarts) or its pod goes, as {@code kubectl logs -f} does on any node.
 */
public final class FollowRun implements FollowControl {

    /** How a follower waits for something to change. */
    @FunctionalInterface
    public interface Waiter {
        void await() throws InterruptedException;
    }

    private final KubeletPods pods;
    private final String namespace;
    private final String pod;
    private final String container;
    private final int restartCount;
    private final BooleanSupplier cancelled;
    private final Waiter waiter;

    /**
     * @param restartCount the run followed, or -1 for a run that has ended already (--previous)
     * @param cancelled whether the reader went away or the node is stopping
     * @param waiter blocks until a status change or new output may have happened, for at most a
     *     short while (a status listener's signal, or a plain sleep of a few hundred ms)
     */
    public FollowRun(KubeletPods pods, String namespace, String pod, String container, int restartCount,
            BooleanSupplier cancelled, Waiter waiter) {
        this.pods = pods;
        this.namespace = namespace;
        this.pod = pod;
        this.container = container;
        this.restartCount = restartCount;
        this.cancelled = cancelled;
        this.waiter = waiter;
    }

    @Override
    public boolean containerRunning() {
        return restartCount >= 0 && pods.pod(namespace, pod)
                .flatMap(p -> p.status().container(container))
                .filter(c -> c.restartCount() == restartCount && c.state() instanceof ContainerState.Running)
                .isPresent();
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    @Override
    public void await() throws InterruptedException {
        waiter.await();
    }
}
