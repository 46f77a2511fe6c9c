package io.krustlet.wasi;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.wasm.CompiledModule;
import io.krustlet.wasm.Engine;
import io.krustlet.wasm.LimitedMemory;
import io.krustlet.wasm.ModuleCache;
import io.krustlet.wasm.ModuleThreads;
import io.krustlet.wasm.http.ExperimentalHttp;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code wasi} runtime: runs wasm32-wasi command modules with Chicory.
 *
 * <p>On update or removal of this bundle the running modules are stopped; the kubelet starts
 * them again on the next provider of the runtime (a restart, not a carried-over instance, since
 * a module's state lives in this bundle's class loader). A configuration change does not stop
 * anything: running containers keep the engine they started with, new ones use the new one.
 */
@Component(service = ContainerRuntime.class, configurationPid = WasiRuntime.PID,
        property = {ContainerRuntime.RUNTIME_PROPERTY + "=" + WasiRuntime.RUNTIME,
                ContainerRuntime.ARCH_PROPERTY + "=" + WasiRuntime.ARCH})
@Designate(ocd = WasiConfig.class)
public final class WasiRuntime implements ContainerRuntime {

    static final String PID = "io.krustlet.wasi";
    static final String RUNTIME = "wasi";
    static final String ARCH = "wasm32-wasi";
    static final String ENGINE = "chicory";
    /** The Chicory release embedded in this bundle; keep in step with chicory.version in the parent pom. */
    static final String CHICORY_VERSION = "1.7.5";
    /** How long deactivation waits for stopped modules before it abandons them. */
    static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(WasiRuntime.class);

    /** Whether modules run on virtual threads (decided once: the JVM's scheduler is set at its start). */
    private final boolean virtualThreads = ModuleThreads.virtualConfigured();
    private volatile ModuleCache modules;
    private final Set<WasiContainer> running = ConcurrentHashMap.newKeySet();
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wasi-stop-timer");
        t.setDaemon(true);
        return t;
    });
    private boolean closed; // guarded by running
    private HttpClient httpClient; // guarded by this; made on the first allowed outbound request

    @Activate
    public WasiRuntime(WasiConfig config) {
        this.modules = newCache(config);
    }

    @Modified
    void modified(WasiConfig config) {
        this.modules = newCache(config);
    }

    private ModuleCache newCache(WasiConfig config) {
        Engine engine = Engine.parse(config.engine());
        LOG.info("WASI runtime ready (Chicory {}, engine {}, up to {} cached modules, {}, {})", CHICORY_VERSION,
                engine.name().toLowerCase(Locale.ROOT), config.maxCachedModules(), threads(), LimitedMemory.storage());
        return new ModuleCache(engine, config.maxCachedModules());
    }

    /** How modules run, for the log: a reader on Java 21+ learns how to get virtual threads. */
    private String threads() {
        if (virtualThreads) {
            return "modules on virtual threads, " + ModuleThreads.carriers() + " carriers";
        }
        return ModuleThreads.virtualAvailable() ? "modules on platform threads: set -D" + ModuleThreads.PARALLELISM
                + "=256 (bin/setenv does) for virtual threads" : "modules on platform threads";
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo(RUNTIME, ARCH, ENGINE, CHICORY_VERSION);
    }

    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        requireOpen();
        CompiledModule module = modules.get(spec.module());
        // instantiated outside the lock (it allocates the module's memory), launched and
        // registered under it, so deactivation either sees this container or refuses it
        WasiContainer container = WasiContainer.prepare(spec, output, module, timer, clock, this::httpClient,
                virtualThreads);
        synchronized (running) {
            if (closed) {
                container.discard();
                requireOpen();
            }
            container.launch();
            running.add(container);
        }
        container.exit().whenComplete((exit, error) -> running.remove(container));
        return container;
    }

    /** The one HTTP client this provider's modules share for {@code wasi_experimental_http}. */
    private synchronized HttpClient httpClient() {
        if (httpClient == null) {
            httpClient = ExperimentalHttp.newClient();
        }
        return httpClient;
    }

    private void requireOpen() throws ContainerStartException {
        synchronized (running) {
            if (closed) {
                throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                        "the WASI runtime is shutting down");
            }
        }
    }

    /** The module cache new containers use (for tests and diagnostics). */
    ModuleCache modules() {
        return modules;
    }

    /** How many times a module had to be parsed and compiled; equal digests share one load. */
    int moduleLoads() {
        return modules.loads();
    }

    /**
     * Containers not yet ended. An ended one leaves {@code running} in a callback of its exit, which
     * may still be under way on the module's thread when its exit is seen done.
     */
    int runningContainers() {
        return (int) running.stream().filter(c -> !c.exit().toCompletableFuture().isDone()).count();
    }

    /**
     * Stops every running module and waits a bounded time for them, so that removing the bundle
     * leaves no module running on a stale class loader.
     */
    @Deactivate
    void deactivate() {
        List<WasiContainer> stopping;
        synchronized (running) {
            closed = true;
            stopping = List.copyOf(running);
        }
        if (!stopping.isEmpty()) {
            LOG.info("WASI runtime stopping {} running containers", stopping.size());
        }
        stopping.forEach(c -> c.stop(DEACTIVATE_WAIT));
        var exits = stopping.stream().map(c -> c.exit().toCompletableFuture()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(DEACTIVATE_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("Some containers did not stop within {} s", DEACTIVATE_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the stop timer may not have run yet if we were interrupted: abandon what is left
        stopping.forEach(c -> c.abandon(DEACTIVATE_WAIT));
        timer.shutdownNow();
    }
}
