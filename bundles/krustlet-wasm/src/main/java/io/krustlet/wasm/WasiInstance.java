package io.krustlet.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.Mount;
import io.krustlet.wasm.http.ExperimentalHttp;
import io.krustlet.wasm.http.HttpPolicy;
import io.krustlet.wasm.wasi.Preview1;
import io.krustlet.wasm.wasi.Sleeper;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a WASI command module, linked and sized, ready to run {@code _start} once. It
 * is what both a {@code wasi} container (one run per container) and a {@code wagi} request (one
 * run per request) are made of; the caller owns the thread it runs on.
 *
 * <p>Thread safety: {@link #run} is called once, on the caller's thread (a platform or a virtual
 * thread: see {@link ModuleThreads}); {@link #memoryBytes()} and {@link #cpuNanos()} may be called
 * from any thread while it runs.
 */
public final class WasiInstance {

    private static final Logger LOG = LoggerFactory.getLogger(WasiInstance.class);
    /** A WebAssembly page, in bytes. */
    public static final long PAGE = 64 * 1024;

    /**
     * What an instance is made of.
     *
     * @param image the image reference, for messages
     * @param argv the argument vector, {@code argv[0]} included
     * @param env the environment, in order
     * @param mounts the directories to preopen
     * @param memoryLimitBytes the most linear memory the module may have, or 0 for its own maximum
     * @param stdin the module's standard input, or null for an empty one
     * @param stdout where the module's standard output goes
     * @param stderr where the module's standard error goes
     * @param http which outbound HTTP requests the module may make through
     *     {@code wasi_experimental_http} ({@link HttpPolicy#NONE}: none)
     */
    public record Config(String image, List<String> argv, Map<String, String> env, List<Mount> mounts,
            long memoryLimitBytes, InputStream stdin, OutputStream stdout, OutputStream stderr, HttpPolicy http) {
        public Config {
            argv = List.copyOf(argv);
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            mounts = List.copyOf(mounts);
            http = http == null ? HttpPolicy.NONE : http;
        }

        /** A module that may make no outbound HTTP requests. */
        public Config(String image, List<String> argv, Map<String, String> env, List<Mount> mounts,
                long memoryLimitBytes, InputStream stdin, OutputStream stdout, OutputStream stderr) {
            this(image, argv, env, mounts, memoryLimitBytes, stdin, stdout, stderr, HttpPolicy.NONE);
        }
    }

    private final Config config;
    private final Preview1 wasi;
    private final ExperimentalHttp http;
    private final Instance instance;
    private final LimitedMemory memory;
    /** Every memory made for the instance (its memory 0 first): what it frees when done. */
    private final List<LimitedMemory> memories;
    private final Clock clock;
    private final int startFunction;
    private final ModuleCpu cpu;
    /** NEW until {@link #run} begins (RUNNING) or {@link #close} comes first (CLOSED): who frees the memory. */
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    private enum State { NEW, RUNNING, CLOSED }

    private WasiInstance(Config config, Preview1 wasi, ExperimentalHttp http, Instance instance,
            List<LimitedMemory> memories, Clock clock, int startFunction, ModuleCpu cpu) {
        this.config = config;
        this.wasi = wasi;
        this.http = http;
        this.instance = instance;
        this.memories = List.copyOf(memories);
        this.memory = memories.isEmpty() ? null : memories.get(0);
        this.clock = clock;
        this.startFunction = startFunction;
        this.cpu = cpu;
    }

    /**
     * Instantiates {@code module}: links it against WASI, preopens the mounts, sizes its memory
     * and runs no code yet (the start function too waits for {@link #run}). Allocates the module's
     * initial memory on the calling thread.
     *
     * @throws ContainerStartException {@code InvalidModule} when the module cannot be linked or
     *     instantiated (unknown imports, bad data segments), {@code CreateContainerError} when it
     *     needs more memory to start than its limit, or the JVM cannot give it
     */
    public static WasiInstance prepare(CompiledModule module, Config config, Clock clock)
            throws ContainerStartException {
        // never the node's own stdin: a module without input reads end-of-file
        InputStream stdin = config.stdin() != null ? config.stdin() : InputStream.nullInputStream();
        ModuleCpu cpu = new ModuleCpu();
        Preview1 wasi = new Preview1(new Preview1.Options(config.argv(), config.env(), stdin, config.stdout(),
                config.stderr(), config.mounts(), clock, Sleeper.blocking(Sleeper.THREAD, cpu)));
        ExperimentalHttp http = new ExperimentalHttp(config.http(), cpu);
        ImportValues imports = ImportValues.builder().addFunction(wasi.toHostFunctions())
                .addFunction(http.toHostFunctions()).build();
        List<LimitedMemory> limited = new ArrayList<>(); // the memory factory runs on this thread
        try {
            Instance.Builder builder = Instance.builder(module.module())
                    .withImportValues(imports)
                    .withStart(false);
            if (module.machineFactory() != null) {
                builder.withMachineFactory(module.machineFactory());
            }
            MemoryLimits limits = memoryLimits(config, module);
            if (limits != null) {
                builder.withMemoryLimits(limits);
            }
            // every memory is a LimitedMemory, with a limit or not: one class at all call sites (see its doc)
            int limitPages = limits != null ? limits.maximumPages() : Integer.MAX_VALUE;
            builder.withMemoryFactory(l -> {
                if (l.shared()) {
                    return new ByteArrayMemory(l); // the threads proposal: Chicory's, safe for many threads
                }
                var memory = LimitedMemory.create(l, limitPages, module.maximumPages());
                limited.add(memory); // the first is the module's memory 0: the one libc grows
                return memory;
            });
            Instance instance = builder.build();
            return new WasiInstance(config, wasi, http, instance, limited, clock, module.startFunction(), cpu);
        } catch (ContainerStartException e) {
            abandon(wasi, limited);
            throw e;
        } catch (ChicoryException | IllegalArgumentException e) {
            abandon(wasi, limited);
            throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "image " + config.image()
                    + " cannot be instantiated: " + e.getMessage(), e);
        } catch (RuntimeException | OutOfMemoryError e) {
            abandon(wasi, limited);
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, "cannot start image "
                    + config.image() + ": " + e, e);
        }
    }

    /** Undoes a preparation that failed: the files opened, the memories reserved. */
    private static void abandon(Preview1 wasi, List<LimitedMemory> memories) {
        wasi.close();
        memories.forEach(LimitedMemory::release);
    }

    /** The module's own memory limits, capped by the configured limit; null without a limit. */
    private static MemoryLimits memoryLimits(Config config, CompiledModule module) throws ContainerStartException {
        long limit = config.memoryLimitBytes();
        if (limit <= 0) {
            return null;
        }
        int maxPages = (int) Math.min(MemoryLimits.MAX_PAGES, limit / PAGE);
        if (module.initialPages() > maxPages) {
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, "image "
                    + config.image() + " needs " + module.initialPages() * PAGE / 1024 + " KiB of memory to start,"
                    + " more than its limit of " + (limit < 1024 ? limit + " bytes" : limit / 1024 + " KiB"));
        }
        int declared = module.maximumPages() > 0 ? module.maximumPages() : MemoryLimits.MAX_PAGES;
        return new MemoryLimits(module.initialPages(), Math.min(declared, maxPages));
    }

    /**
     * Runs the program on the calling thread: the module's start function (its wasm start
     * section) if it has one, then {@code _start}, until it returns, the module exits, traps, or
     * an interrupt of this thread stops it; then closes the module's files and frees its memory.
     * An exit or a trap in the start function ends the run like one in {@code _start}. An instance
     * runs once: one {@link #close closed} before, or run before, does not run again (a trap exit,
     * 134, says so). Never throws.
     *
     * @param stopRequested whether the caller asked the module to stop: then an interrupted run
     *     is reported as killed (137), not as a trap
     * @return how the module ended, in the terms of a container exit
     */
    public ContainerExit run(BooleanSupplier stopRequested) {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            // closed (its memory freed) or already run: running it could touch freed memory
            return ExitMapper.of(new IllegalStateException("the instance of " + config.image()
                    + " was closed before it ran, or ran before"), stopRequested.getAsBoolean(), clock.instant());
        }
        ContainerExit result;
        cpu.begin();
        try {
            if (startFunction >= 0) {
                instance.getMachine().call(startFunction, new long[0]);
            }
            instance.export("_start").apply();
            result = ExitMapper.completed(clock.instant());
        } catch (Throwable t) {
            result = ExitMapper.of(t, stopRequested.getAsBoolean(), clock.instant());
            if (result.exitCode() == ExitMapper.TRAP_EXIT_CODE) {
                LOG.debug("Module {} trapped", config.image(), t);
            }
        } finally {
            cpu.end();
            close();
            releaseMemory(); // on the module's thread, after its last instruction: nothing can touch it now
        }
        if (!result.succeeded() && !stopRequested.getAsBoolean() && memory != null) {
            if (memory.limitHit()) {
                result = ExitMapper.oomKilled(result, config.memoryLimitBytes(), memory.refusedAtBytes());
            } else if (memory.beyondRuntimeAtBytes() >= 0) {
                result = ExitMapper.beyondRuntimeMemory(result, memory.beyondRuntimeAtBytes());
            }
        }
        return result;
    }

    /**
     * The CPU time {@link #run} has used so far, in nanoseconds (0 before it begins; -1 when the
     * JVM cannot measure it): the time the module's thread was on a CPU, its waits in
     * {@code poll_oneoff} and outbound requests not included. Any thread; see {@link ModuleCpu}.
     */
    public long cpuNanos() {
        return cpu.nanos();
    }

    /** The instance's memories, for tests in this package. */
    List<LimitedMemory> memories() {
        return memories;
    }

    /** Gives back the storage of the instance's memories (see {@link LimitedMemory#release}). */
    private void releaseMemory() {
        memories.forEach(LimitedMemory::release);
    }

    /** The size of the module's linear memory now, in bytes (0 for a module without memory). */
    public long memoryBytes() {
        try {
            return instance.memory() == null ? 0 : (long) instance.memory().pages() * PAGE;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Closes the module's files and outbound HTTP responses; harmless when already closed. Before
     * {@link #run} (an instance that will never run) it frees the module's memory too; once a run
     * began, the run frees it when it ends, on its own thread.
     */
    public void close() {
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            releaseMemory();
        }
        http.close();
        try {
            wasi.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the WASI files of {} failed", config.image(), e);
        }
    }
}
