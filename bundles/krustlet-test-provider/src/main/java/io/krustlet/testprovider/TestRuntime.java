package io.krustlet.testprovider;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * which revision ran a container.
 *
 * <p>Its upgrade choice is configurable, so tests can take both routes: by default
 * ({@code krustlet.upgrade=restart}) deactivation (bundle stopped, updated, refreshed or removed)
 * kills its containers at once and joins their threads, and the kubelet restarts them on the next
 * provider of the runtime. With {@code krustlet.upgrade=carry-over} in the configuration PID
 * {@code io.krustlet.testprovider} (Declarative Services publishes configuration properties as
 * service properties) deactivation leaves them running until the kubelet stops them.
 */
@Component(service = ContainerRuntime.class, configurationPid = TestRuntime.PID,
        property = {ContainerRuntime.RUNTIME_PROPERTY + "=" + TestRuntime.RUNTIME,
                ContainerRuntime.ARCH_PROPERTY + "=" + TestRuntime.ARCH})
public final class TestRuntime implements ContainerRuntime {

    static final String PID = "io.krustlet.testprovider";
    static final String RUNTIME = "test";
    static final String ARCH = "wasm32-wasi";
    static final String ENGINE = "script";
    /** How long deactivation waits for its killed containers' threads to end. */
    static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(TestRuntime.class);

    private final String revision;
    private final boolean carryOver;
    private final Set<ScriptContainer> running = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by running

    @Activate
    public TestRuntime(BundleContext context, Map<String, Object> properties) {
        this(context.getBundle().getVersion().toString(), String.valueOf(
                properties.getOrDefault(ContainerRuntime.UPGRADE_PROPERTY, ContainerRuntime.UPGRADE_RESTART)));
    }

    /**
     * @param revision the version this provider reports
     * @param upgrade {@link ContainerRuntime#UPGRADE_RESTART} or {@link ContainerRuntime#UPGRADE_CARRY_OVER}
     */
    TestRuntime(String revision, String upgrade) {
        this.revision = revision;
        this.carryOver = ContainerRuntime.UPGRADE_CARRY_OVER.equals(upgrade);
        if (!carryOver && !ContainerRuntime.UPGRADE_RESTART.equals(upgrade)) {
            LOG.warn("Test runtime {}: {}={} is neither {} nor {}; restarting on upgrade", revision,
                    ContainerRuntime.UPGRADE_PROPERTY, upgrade, ContainerRuntime.UPGRADE_RESTART,
                    ContainerRuntime.UPGRADE_CARRY_OVER);
        }
        LOG.info("Test runtime {} ready ({} on upgrade)", revision, carryOver ? "carry-over" : "restart");
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

    /**
     * Refuses new containers; with {@code restart}, kills every running one (zero grace: the core
     * has already stopped the ones it cared for) and waits for their threads; with
     * {@code carry-over}, leaves them to the kubelet.
     */
    @Deactivate
    void deactivate() {
        List<ScriptContainer> stopping;
        synchronized (running) {
            closed = true;
            stopping = List.copyOf(running);
        }
        if (carryOver) {
            LOG.info("Test runtime {} leaving {} running containers to the kubelet (carry-over)", revision,
                    stopping.size());
            return;
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
