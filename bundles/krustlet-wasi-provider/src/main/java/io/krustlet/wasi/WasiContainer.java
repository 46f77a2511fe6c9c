package io.krustlet.wasi;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.Mount;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running module: instantiated on the caller's thread (so link errors surface as start
 * errors), run on a thread of its own, stopped by interrupting that thread, which Chicory's
 * interpreter and compiled code both check.
 */
final class WasiContainer implements ContainerHandle {

    private static final Logger LOG = LoggerFactory.getLogger(WasiContainer.class);
    private static final long PAGE = 64 * 1024;
    private static final Duration INTERRUPT_REPEAT = Duration.ofMillis(100);

    private final ContainerSpec spec;
    private final ContainerOutput output;
    private final WasiPreview1 wasi;
    private final Instance instance;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean stopRequested;

    private WasiContainer(ContainerSpec spec, ContainerOutput output, WasiPreview1 wasi, Instance instance,
            ScheduledExecutorService timer, Clock clock) {
        this.spec = spec;
        this.output = output;
        this.wasi = wasi;
        this.instance = instance;
        this.timer = timer;
        this.clock = clock;
        this.thread = new Thread(this::run, "wasi-" + spec.id());
        this.thread.setDaemon(true);
    }

    static WasiContainer start(ContainerSpec spec, ContainerOutput output, CompiledModule module,
            ScheduledExecutorService timer, Clock clock) throws ContainerStartException {
        WasiOptions.Builder options = WasiOptions.builder()
                .withArguments(spec.argv())
                .withStdout(output.stdout())
                .withStderr(output.stderr())
                .withClock(clock);
        spec.env().forEach(options::withEnvironment);
        for (Mount mount : spec.mounts()) {
            options.withDirectory(mount.guestPath(), mount.hostPath());
        }
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build();
        try {
            Instance.Builder builder = Instance.builder(module.module())
                    .withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
                    .withStart(false);
            if (module.machineFactory() != null) {
                builder.withMachineFactory(module.machineFactory());
            }
            MemoryLimits limits = memoryLimits(spec, module);
            if (limits != null) {
                builder.withMemoryLimits(limits);
            }
            var container = new WasiContainer(spec, output, wasi, builder.build(), timer, clock);
            container.thread.start();
            return container;
        } catch (ContainerStartException e) {
            wasi.close();
            throw e;
        } catch (ChicoryException | IllegalArgumentException e) {
            wasi.close();
            throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "image " + spec.module().image()
                    + " cannot be instantiated: " + e.getMessage(), e);
        }
    }

    /** The module's own memory limits, capped by the container's memory limit. */
    private static MemoryLimits memoryLimits(ContainerSpec spec, CompiledModule module) throws ContainerStartException {
        long limit = spec.limits().memoryBytes();
        if (limit <= 0) {
            return null;
        }
        int maxPages = (int) Math.min(MemoryLimits.MAX_PAGES, limit / PAGE);
        if (module.initialPages() > maxPages) {
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, "image "
                    + spec.module().image() + " needs " + module.initialPages() * PAGE / 1024 + " KiB of memory to start,"
                    + " more than its limit of " + limit / 1024 + " KiB");
        }
        int declared = module.maximumPages() > 0 ? module.maximumPages() : MemoryLimits.MAX_PAGES;
        return new MemoryLimits(module.initialPages(), Math.min(declared, maxPages));
    }

    private void run() {
        ContainerExit result;
        try {
            instance.export("_start").apply();
            result = ExitMapper.completed(clock.instant());
        } catch (Throwable t) {
            result = ExitMapper.of(t, stopRequested, clock.instant());
            if (result.exitCode() == ExitMapper.TRAP_EXIT_CODE) {
                LOG.debug("Container {} trapped", spec.id(), t);
            }
        } finally {
            wasi.close();
            flush();
        }
        exit.complete(result);
    }

    private void flush() {
        try {
            output.stdout().flush();
            output.stderr().flush();
        } catch (IOException e) {
            LOG.debug("Flushing the output of {} failed", spec.id(), e);
        }
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
        return exit;
    }

    @Override
    public void stop(Duration gracePeriod) {
        if (exit.isDone()) {
            return;
        }
        // WASI has no signals, so there is nothing graceful to deliver: interrupt at once, and
        // again while a host call (a sleep, say) swallows the interrupt, until the grace period ends.
        stopRequested = true;
        thread.interrupt();
        long deadline = System.nanoTime() + Math.max(gracePeriod.toNanos(), INTERRUPT_REPEAT.toNanos());
        try {
            var repeat = timer.scheduleWithFixedDelay(() -> {
                if (!exit.isDone() && System.nanoTime() < deadline) {
                    thread.interrupt();
                }
            }, INTERRUPT_REPEAT.toMillis(), INTERRUPT_REPEAT.toMillis(), TimeUnit.MILLISECONDS);
            exit.whenComplete((e, t) -> repeat.cancel(false));
            timer.schedule(() -> {
                repeat.cancel(false);
                if (!exit.isDone()) {
                    LOG.warn("Container {} did not stop within {} s; it keeps its thread until it does", spec.id(),
                            gracePeriod.toSeconds());
                }
            }, Math.max(gracePeriod.toMillis(), INTERRUPT_REPEAT.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the runtime is shutting down: the one interrupt above is all that can be done now
            LOG.debug("Stop of {} after the runtime shut down", spec.id());
        }
    }

    ContainerSpec spec() {
        return spec;
    }
}
