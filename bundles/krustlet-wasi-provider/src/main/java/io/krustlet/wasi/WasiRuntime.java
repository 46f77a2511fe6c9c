package io.krustlet.wasi;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code wasi} runtime: runs wasm32-wasi command modules with Chicory.
 *
 * <p>On update or removal of this bundle the running modules are stopped; the kubelet starts
 * them again on the next provider of the runtime (a restart, not a carried-over instance, since
 * a module's state lives in this bundle's class loader).
 */
@Component(service = ContainerRuntime.class, configurationPid = WasiRuntime.PID,
        property = {ContainerRuntime.RUNTIME_PROPERTY + "=wasi", ContainerRuntime.ARCH_PROPERTY + "=wasm32-wasi"})
@Designate(ocd = WasiConfig.class)
public final class WasiRuntime implements ContainerRuntime {

    static final String PID = "io.krustlet.wasi";
    /** The Chicory release embedded in this bundle. */
    static final String CHICORY_VERSION = "1.7.5";
    private static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(WasiRuntime.class);

    private final ModuleCache modules;
    private final Set<WasiContainer> running = ConcurrentHashMap.newKeySet();
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wasi-stop-timer");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public WasiRuntime(WasiConfig config) {
        Engine engine = Engine.parse(config.engine());
        this.modules = new ModuleCache(engine, config.maxCachedModules());
        LOG.info("WASI runtime ready (Chicory {}, engine {})", CHICORY_VERSION, engine.name().toLowerCase());
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("wasi", "wasm32-wasi", "chicory", CHICORY_VERSION);
    }

    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        CompiledModule module = modules.get(spec.module());
        WasiContainer container = WasiContainer.start(spec, output, module, timer, clock);
        running.add(container);
        container.exit().whenComplete((exit, error) -> running.remove(container));
        return container;
    }

    /** How many times a module had to be parsed and compiled; equal digests share one load. */
    int moduleLoads() {
        return modules.loads();
    }

    int runningContainers() {
        return running.size();
    }

    @Deactivate
    void deactivate() {
        if (!running.isEmpty()) {
            LOG.info("WASI runtime stopping {} running containers", running.size());
        }
        var exits = running.stream().map(c -> {
            c.stop(Duration.ZERO);
            return c.exit().toCompletableFuture();
        }).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(DEACTIVATE_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Some containers did not stop within {} s", DEACTIVATE_WAIT.toSeconds());
        }
        timer.shutdownNow();
    }
}
