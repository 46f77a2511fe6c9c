package io.krustlet.wagi;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerPort;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.wasm.CompiledModule;
import io.krustlet.wasm.DetachableOutputStream;
import io.krustlet.wasm.LimitedMemory;
import io.krustlet.wasm.ModuleCache;
import io.krustlet.wasm.WasiInstance;
import io.krustlet.wasm.http.ExperimentalHttp;
import io.krustlet.wasm.http.HttpPolicy;
import java.net.http.HttpClient;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * The {@code wagi} runtime: a container is an HTTP handler, a wasm32-wasi command module run
 * once per request with the request as CGI 1.1 input (WAGI, deislabs/wagi). Each container
 * listens on the node's address (wasm pods share the host network) at its {@code containerPort}s.
 *
 * <p>Upgrades are {@code restart} ({@link ContainerRuntime#UPGRADE_RESTART}): on update or removal of
 * this bundle every container stops listening at once (its ports are free within milliseconds),
 * requests in flight get up to {@link #DEACTIVATE_WAIT} to finish, and the kubelet starts the
 * containers again on the next provider of the runtime (nothing of a module outlives this bundle's
 * class loader; a port cannot be handed from one revision's server to the next's). A
 * configuration change stops nothing: running containers keep their settings, new ones get the
 * new ones.
 */
@Component(service = ContainerRuntime.class, configurationPid = WagiRuntime.PID,
        property = {ContainerRuntime.RUNTIME_PROPERTY + "=" + WagiRuntime.RUNTIME,
                ContainerRuntime.ARCH_PROPERTY + "=" + WagiRuntime.ARCH,
                ContainerRuntime.UPGRADE_PROPERTY + "=" + ContainerRuntime.UPGRADE_RESTART})
@Designate(ocd = WagiConfig.class)
public final class WagiRuntime implements ContainerRuntime {

    static final String PID = "io.krustlet.wagi";
    static final String RUNTIME = "wagi";
    static final String ARCH = "wasm32-wasi";
    static final String ENGINE = "chicory";
    /** The Chicory release embedded in this bundle; keep in step with chicory.version in the parent pom. */
    static final String CHICORY_VERSION = "1.7.5";
    /** How long deactivation lets requests in flight finish before it stops their modules. */
    static final Duration DEACTIVATE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(WagiRuntime.class);

    private volatile WagiSettings settings;
    private volatile ModuleCache modules;
    private final Set<WagiContainer> running = ConcurrentHashMap.newKeySet();
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer;
    private boolean closed; // guarded by running
    private HttpClient httpClient; // guarded by this; made on the first allowed outbound request

    @Activate
    public WagiRuntime(WagiConfig config) {
        this(config, System.getenv());
    }

    /** @param env the process environment, for {@code KRUSTLET_WAGI_*} overrides */
    WagiRuntime(WagiConfig config, Map<String, String> env) {
        configure(config, env);
        var executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wagi-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true); // a watchdog per request, nearly all cancelled
        this.timer = executor;
    }

    @Modified
    void modified(WagiConfig config) {
        configure(config, System.getenv());
    }

    private void configure(WagiConfig config, Map<String, String> env) {
        WagiSettings next;
        try {
            next = WagiSettings.from(config, env);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid WAGI provider configuration ({}): {}", PID, e.getMessage());
            throw e;
        }
        var defaults = next.defaults();
        LOG.info("WAGI runtime ready (Chicory {}, engine {}; per container: timeout {}, up to {} requests at once, "
                + "bodies up to {} bytes in and {} out; listening on {}; {})", CHICORY_VERSION,
                next.engine().name().toLowerCase(Locale.ROOT), WagiHandler.format(defaults.timeout()),
                defaults.maxConcurrency(), defaults.maxRequestBodyBytes(), defaults.maxResponseBytes(),
                next.bindAddress().isEmpty() ? "the node's address" : next.bindAddress(), LimitedMemory.storage());
        if (modules == null || modules.engine() != next.engine() || settings.maxCachedModules() != next.maxCachedModules()) {
            modules = new ModuleCache(next.engine(), next.maxCachedModules());
        }
        settings = next;
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo(RUNTIME, ARCH, ENGINE, CHICORY_VERSION);
    }

    /**
     * Loads the module (from the cache when its digest was seen), checks that it can be
     * instantiated, and listens at the container's ports; returns once it listens.
     *
     * @throws ContainerStartException {@code CreateContainerConfigError} for an invalid
     *     {@code wagi.krustlet.dev/*} or {@code alpha.wasi.krustlet.dev/*} annotation or a container
     *     without a TCP port,
     *     {@code InvalidModule} for a module that is not a WASI command, {@code CreateContainerError}
     *     when a port cannot be listened on
     */
    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        requireOpen();
        WagiSettings current = settings;
        ContainerSettings container = containerSettings(spec, current);
        HttpPolicy http;
        try {
            http = HttpPolicy.fromAnnotations(spec.annotations(), this::httpClient);
        } catch (IllegalArgumentException e) {
            throw new ContainerStartException("CreateContainerConfigError", e.getMessage());
        }
        CompiledModule module = modules.get(spec.module());
        checkInstantiates(spec, module);
        var stdout = new DetachableOutputStream(output.stdout());
        var stderr = new DetachableOutputStream(output.stderr());
        var handler = new WagiHandler(spec, container, module, http, stdout, stderr, timer, clock,
                current.retryAfterSeconds());
        String bind = current.bindAddress().isEmpty() ? spec.hostIP() : current.bindAddress();
        synchronized (running) {
            requireOpen();
            WagiContainer started = WagiContainer.start(spec, bind, handler, current, container, stdout, stderr, clock);
            running.add(started);
            started.exit().whenComplete((exit, error) -> running.remove(started));
            return started;
        }
    }

    private static ContainerSettings containerSettings(ContainerSpec spec, WagiSettings current)
            throws ContainerStartException {
        List<ContainerPort> ports = spec.ports();
        if (ports.isEmpty()) {
            throw new ContainerStartException("CreateContainerConfigError", "container " + spec.id().container()
                    + " declares no containerPort: a wagi container answers HTTP on its ports (add ports: "
                    + "[{containerPort: 8080}])");
        }
        for (ContainerPort port : ports) {
            if (!port.protocol().equals("TCP")) {
                throw new ContainerStartException("CreateContainerConfigError", "containerPort " + port.containerPort()
                        + "/" + port.protocol() + ": a wagi container serves HTTP, over TCP only");
            }
        }
        try {
            return ContainerSettings.of(spec.annotations(), spec.id().container(), current.defaults());
        } catch (IllegalArgumentException e) {
            throw new ContainerStartException("CreateContainerConfigError", e.getMessage());
        }
    }

    /** One instance made and dropped, so a module that cannot link fails the start, not every request. */
    private void checkInstantiates(ContainerSpec spec, CompiledModule module) throws ContainerStartException {
        var config = new WasiInstance.Config(spec.module().image(), List.of(spec.id().container()), spec.env(),
                spec.mounts(), spec.limits().memoryBytes(), null, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream());
        WasiInstance.prepare(module, config, clock).close();
    }

    /** One client for the outbound requests of every handler, made when the first one is allowed. */
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
                        "the WAGI runtime is shutting down");
            }
        }
    }

    /** How many times a module had to be parsed and compiled. */
    int moduleLoads() {
        return modules.loads();
    }

    int runningContainers() {
        return running.size();
    }

    /**
     * Stops listening everywhere at once, lets requests in flight finish for up to
     * {@link #DEACTIVATE_WAIT}, then stops what is left, so that removing the bundle leaves no
     * port taken and no module running on a stale class loader.
     */
    @Deactivate
    void deactivate() {
        List<WagiContainer> stopping;
        synchronized (running) {
            closed = true;
            stopping = List.copyOf(running);
        }
        if (!stopping.isEmpty()) {
            LOG.info("WAGI runtime stopping {} containers", stopping.size());
        }
        stopping.forEach(c -> c.stop(DEACTIVATE_WAIT));
        var exits = stopping.stream().map(c -> c.exit().toCompletableFuture()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(DEACTIVATE_WAIT.toMillis() + WagiContainer.KILL_WAIT.toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("Some wagi containers did not stop within {} s", DEACTIVATE_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }
}
