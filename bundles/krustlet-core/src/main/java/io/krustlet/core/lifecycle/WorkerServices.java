package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerRuntime;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What every {@link PodWorker} of a node shares.
 *
 * @param timers the clock and the timers of restarts, probes and deadlines
 * @param runtimes which provider runs a runtime now
 * @param launcher starts a container on a provider (pull, load, start)
 * @param launchExecutor where launches run: they may pull an image, so never on a worker's queue;
 *     their outcome is posted back to it
 * @param events where the pod's Events go
 * @param prober runs the containers' readiness and liveness checks
 */
public record WorkerServices(Timers timers, ProviderLookup runtimes, ContainerLauncher launcher,
        Executor launchExecutor, PodEvents events, Prober prober) {

    /** The only thing a worker needs of the registry: which provider runs a runtime now. */
    public interface ProviderLookup {
        /** The provider serving {@code runtime} now, if any; any thread, never blocks. */
        Optional<ContainerRuntime> find(String runtime);
    }

    /** Services without probes. */
    public WorkerServices(Timers timers, ProviderLookup runtimes, ContainerLauncher launcher, Executor launchExecutor,
            PodEvents events) {
        this(timers, runtimes, launcher, launchExecutor, events, Prober.NONE);
    }
}
