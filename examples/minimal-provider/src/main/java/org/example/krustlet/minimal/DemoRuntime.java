package org.example.krustlet.minimal;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime {@code demo}: a complete provider in two small classes. Declarative Services
 * registers it as a {@link ContainerRuntime} with the two service properties the node reads; the
 * node sends it the containers of pods whose RuntimeClass has {@code handler: demo}.
 *
 * <p>What a container runs is {@link DemoContainer}'s business (here: a toy program in its
 * arguments); replace that with your engine. What this class shows is the part every provider
 * needs: start on the caller's thread only what can fail, run on a thread of your own, refuse new
 * work once deactivated, and stop what still runs when the bundle goes, so no thread outlives the
 * bundle's class loader.
 */
@Component(service = ContainerRuntime.class, property = {
        ContainerRuntime.RUNTIME_PROPERTY + "=" + DemoRuntime.RUNTIME,
        ContainerRuntime.ARCH_PROPERTY + "=wasm32-wasi"})
public final class DemoRuntime implements ContainerRuntime {

    static final String RUNTIME = "demo";
    private static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DemoRuntime.class);

    private final Set<DemoContainer> running = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by running

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo(RUNTIME, "wasm32-wasi", "demo", "1.0");
    }

    /** Checks the program (a bad one is a start error the pod shows as its waiting reason), then runs it. */
    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        var container = new DemoContainer(spec.id().toString(), DemoContainer.parse(spec.argv()), output);
        synchronized (running) {
            if (closed) {
                throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                        "the demo runtime is shutting down");
            }
            running.add(container);
        }
        container.exit().whenComplete((exit, error) -> running.remove(container));
        container.launch();
        LOG.debug("Started {}", spec.id());
        return container;
    }

    /** The bundle is going (stopped, updated or removed): end every container and wait for its thread. */
    @Deactivate
    void deactivate() throws InterruptedException {
        List<DemoContainer> left;
        synchronized (running) {
            closed = true;
            left = List.copyOf(running);
        }
        if (!left.isEmpty()) {
            LOG.info("Demo runtime stopping {} containers", left.size());
        }
        left.forEach(c -> c.stop(Duration.ZERO));
        for (DemoContainer container : left) {
            container.join(DEACTIVATE_WAIT);
        }
    }
}
