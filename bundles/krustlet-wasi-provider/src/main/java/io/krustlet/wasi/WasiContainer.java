package io.krustlet.wasi;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerUsage;
import io.krustlet.api.ContainerStartException;
import io.krustlet.wasm.CompiledModule;
import io.krustlet.wasm.DetachableOutputStream;
import io.krustlet.wasm.ExitMapper;
import io.krustlet.wasm.ModuleThreads;
import io.krustlet.wasm.WasiInstance;
import io.krustlet.wasm.http.HttpPolicy;
import java.net.http.HttpClient;
import java.util.function.Supplier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running module: instantiated on the caller's thread (so link errors surface as start
 * errors), run on a thread of its own, stopped by interrupting that thread, which Chicory's
 * interpreter and compiled code both check. The thread is a virtual thread where the JVM has them
 * and their scheduler is configured (Java 21+, see {@link ModuleThreads}): a module sleeping in
 * {@code poll_oneoff} then holds no platform thread, only its parked stack on the heap (a few
 * KiB); else it is a platform thread.
 */
final class WasiContainer implements ContainerHandle {

    private static final Logger LOG = LoggerFactory.getLogger(WasiContainer.class);
    private static final Duration INTERRUPT_REPEAT = Duration.ofMillis(100);
    /**
     * The shortest time a stopped module gets before it is abandoned. A stop with a zero grace
     * period (a force delete) still lets an interrupted module unwind, which takes milliseconds.
     */
    static final Duration MIN_STOP_WAIT = Duration.ofMillis(500);
    /** The kubelet's reason for a container whose configuration (here: its pod's annotations) is wrong. */
    static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";

    private final ContainerSpec spec;
    private final DetachableOutputStream stdout;
    private final DetachableOutputStream stderr;
    private final WasiInstance instance;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean stopRequested;

    private WasiContainer(ContainerSpec spec, DetachableOutputStream stdout, DetachableOutputStream stderr,
            WasiInstance instance, ScheduledExecutorService timer, Clock clock, boolean virtualThread) {
        this.spec = spec;
        this.stdout = stdout;
        this.stderr = stderr;
        this.instance = instance;
        this.timer = timer;
        this.clock = clock;
        this.thread = ModuleThreads.newThread("wasi-" + spec.id(), this::run, virtualThread);
    }

    /**
     * Instantiates the module for one container: links it against WASI, sizes its memory. Nothing
     * runs yet; {@link #launch()} starts it, {@link #discard()} drops it.
     *
     * @param virtualThread whether to run the module on a virtual thread (see {@link ModuleThreads})
     */
    static WasiContainer prepare(ContainerSpec spec, ContainerOutput output, CompiledModule module,
            ScheduledExecutorService timer, Clock clock, Supplier<HttpClient> httpClient, boolean virtualThread)
            throws ContainerStartException {
        HttpPolicy http;
        try {
            http = HttpPolicy.fromAnnotations(spec.annotations(), httpClient);
        } catch (IllegalArgumentException e) {
            throw new ContainerStartException(CREATE_CONTAINER_CONFIG_ERROR, e.getMessage());
        }
        var stdout = new DetachableOutputStream(output.stdout());
        var stderr = new DetachableOutputStream(output.stderr());
        var config = new WasiInstance.Config(spec.module().image(), spec.argv(), spec.env(), spec.mounts(),
                spec.limits().memoryBytes(), null, stdout, stderr, http);
        WasiInstance instance = WasiInstance.prepare(module, config, clock);
        return new WasiContainer(spec, stdout, stderr, instance, timer, clock, virtualThread);
    }

    /** Runs the module on its own thread. */
    void launch() throws ContainerStartException {
        try {
            thread.start();
        } catch (OutOfMemoryError e) { // "unable to create native thread"
            discard();
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, "cannot start a thread for "
                    + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /** Drops a prepared container that will never run. */
    void discard() {
        release();
    }

    private void run() {
        ContainerExit result = null;
        try {
            result = execute();
        } finally {
            // whatever happened above (even an Error while mapping the exit), report exactly one exit
            release();
            finish(result != null ? result : new ContainerExit(ExitMapper.TRAP_EXIT_CODE, ContainerExit.ERROR,
                    "the WASI runtime failed while ending the container", clock.instant()));
        }
    }

    private ContainerExit execute() {
        return instance.run(() -> stopRequested);
    }

    private void release() {
        instance.close();
        try {
            stdout.flush();
            stderr.flush();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Flushing the output of {} failed", spec.id(), e);
        }
    }

    private void finish(ContainerExit result) {
        if (exit.complete(result)) {
            LOG.debug("Container {} exited: {} {} {}", spec.id(), result.exitCode(), result.reason(), result.message());
        }
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
        return exit;
    }

    /**
     * The CPU time the module has used (its thread's time on a CPU, host calls included, its
     * sleeps and outbound requests not; see {@code io.krustlet.wasm.ModuleCpu}) and the size of its
     * linear memory, which is what a module holds: the JVM heap around it is the node's.
     */
    @Override
    public Optional<ContainerUsage> usage() {
        if (exit.isDone()) {
            return Optional.empty();
        }
        long cpu = instance.cpuNanos();
        if (cpu < 0) {
            return Optional.empty();
        }
        return Optional.of(new ContainerUsage(clock.instant(), cpu, instance.memoryBytes()));
    }

    @Override
    public void stop(Duration gracePeriod) {
        if (exit.isDone()) {
            return;
        }
        Duration grace = gracePeriod == null || gracePeriod.compareTo(MIN_STOP_WAIT) < 0 ? MIN_STOP_WAIT : gracePeriod;
        // WASI has no signals, so there is nothing graceful to deliver: interrupt at once, and
        // again while a host call (a sleep, say) swallows the interrupt, until the grace period ends.
        stopRequested = true;
        thread.interrupt();
        try {
            var repeat = timer.scheduleWithFixedDelay(() -> {
                if (!exit.isDone()) {
                    thread.interrupt();
                }
            }, INTERRUPT_REPEAT.toMillis(), INTERRUPT_REPEAT.toMillis(), TimeUnit.MILLISECONDS);
            exit.whenComplete((e, t) -> repeat.cancel(false));
            timer.schedule(() -> abandon(grace), grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the runtime is shutting down and abandons what is left itself
            LOG.debug("Stop of {} after the runtime shut down", spec.id());
        }
    }

    /**
     * The API promises an exit within the grace period. A Java thread cannot be killed, so a
     * module stuck where no interrupt reaches it is cut off from its output and reported as
     * killed; its thread (a daemon) ends whenever the module next checks for interruption.
     */
    void abandon(Duration grace) {
        if (exit.isDone()) {
            return;
        }
        stdout.detach();
        stderr.detach();
        if (exit.complete(ExitMapper.abandoned(grace, clock.instant()))) {
            LOG.warn("Container {} did not stop within {} ms; its thread {} is abandoned", spec.id(), grace.toMillis(),
                    thread.getName());
        }
        thread.interrupt();
    }

    boolean threadAlive() {
        return thread.isAlive();
    }

    /** Waits up to {@code timeout} for the module's thread to end; whether it has. */
    boolean awaitThreadEnd(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Whether the module runs on a virtual thread. */
    boolean virtualThread() {
        return ModuleThreads.isVirtual(thread);
    }

    String threadName() {
        return thread.getName();
    }

    ContainerSpec spec() {
        return spec;
    }
}
