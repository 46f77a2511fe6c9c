package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerUsage;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pod's running containers by name, with the provider each runs on. Written on the pod
 * worker's queue ({@link ContainerMachine}); read from any thread (stats, metrics, the registry
 * counting a provider's containers), hence a concurrent map and not queue state.
 */
final class RunningContainers {

    private final Map<String, ContainerMachine.Running> byName = new ConcurrentHashMap<>();

    void put(String container, ContainerMachine.Running running) {
        byName.put(container, running);
    }

    /** Forgets {@code container} if it is still the run of {@code handle} (a newer run stays). */
    void removeIfHandle(String container, Object handle) {
        byName.computeIfPresent(container, (name, r) -> r.handle() == handle ? null : r);
    }

    /**
     * What a running container uses now, if its provider measures it; empty when it does not run
     * or its provider fails to say (a provider's failure must not break the stats endpoints).
     */
    Optional<ContainerUsage> usage(String container) {
        var started = byName.get(container);
        if (started == null) {
            return Optional.empty();
        }
        try {
            return started.handle().usage();
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** How many containers run on {@code provider} now. */
    int on(ContainerRuntime provider) {
        return (int) byName.values().stream().filter(r -> r.provider() == provider).count();
    }
}
