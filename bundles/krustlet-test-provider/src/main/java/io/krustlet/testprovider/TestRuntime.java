package io.krustlet.testprovider;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code test} runtime, for tests of the node's provider handling: a container's "module" is a
 * tiny {@link Script} in its arguments ({@code args: ["print", "hello", "sleep", "500", "exit", "3"]}),
 * so tests need no wasm and can make a container exit, print, run until stopped or ignore its stop
 * on cue. The image is not read (any fetched module will do).
 *
 * <p>The provider's revision (its bundle version) shows in {@link #info()} as
 * {@code script://<version>} and in the output of the {@code version} step, so upgrade tests see
 * which revision ran a container. On deactivation (bundle stopped, updated, refreshed or removed)
 * its containers are killed at once and their threads joined: the kubelet restarts them on the
 * next provider of the runtime.
 */
@Component(service = ContainerRuntime.class,
        property = {ContainerRuntime.RUNTIME_PROPERTY + "=" + TestRuntime.RUNTIME,
                ContainerRuntime.ARCH_PROPERTY + "=" + TestRuntime.ARCH})
public final class TestRuntime implements ContainerRuntime {

    static final String RUNTIME = "test";
    static final String ARCH = "wasm32-wasi";
    static final String ENGINE = "script";
    /** How long deactivation waits for its killed containers' threads to end. */
    static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(TestRuntime.class);

    private final String revision;
    private final Set<ScriptContainer> running = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by running

    @Activate
    public TestRuntime(BundleContext context) {
        this(context.getBundle().getVersion().toString());
    }

    TestRuntime(String revision) {
        this.revision = revision;
        LOG.info("Test runtime {} ready", revision);
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo(RUNTIME, ARCH, ENGINE, revision);
    }

    /**
     * Parses the script and starts its thread; returns at once.
     *
     * @throws ContainerStartException {@code InvalidModule} for a script that does not parse,
     *     {@code CreateContainerError} once the runtime is deactivated or when no thread can be made
     */
    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        var container = new ScriptContainer(spec, Script.parse(spec.argv()), output, revision);
        synchronized (running) {
            if (closed) {
                throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                        "the test runtime " + revision + " is shutting down");
            }
            container.launch();
            running.add(container);
        }
        container.exit().whenComplete((exit, error) -> running.remove(container));
        return container;
    }

    int runningContainers() {
        return running.size();
    }

    /** Kills every running container (zero grace: the core has already stopped the ones it cared for) and waits for their threads. */
    @Deactivate
    void deactivate() {
        List<ScriptContainer> stopping;
        synchronized (running) {
            closed = true;
            stopping = List.copyOf(running);
        }
        if (!stopping.isEmpty()) {
            LOG.info("Test runtime {} killing {} running containers", revision, stopping.size());
        }
        stopping.forEach(c -> c.stop(Duration.ZERO));
        var exits = stopping.stream().map(c -> c.exit().toCompletableFuture()).toArray(CompletableFuture[]::new);
        long deadline = System.nanoTime() + DEACTIVATE_WAIT.toNanos();
        try {
            CompletableFuture.allOf(exits).get(DEACTIVATE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            for (ScriptContainer container : stopping) {
                container.join(Duration.ofNanos(deadline - System.nanoTime()));
            }
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Test runtime {}: some containers did not end within {} s", revision, DEACTIVATE_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
