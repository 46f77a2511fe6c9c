package io.krustlet.testprovider;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ContainerUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container of the test runtime: runs its {@link Script} on a thread of its own and stops the
 * way the kubelet stops a process. A stop is a SIGTERM: a container ends at once with 143, unless
 * it ran {@code ignore-stop}; when the grace period is over it is "killed" with 137 (a SIGKILL).
 * The container's own thread keeps that deadline, so no timer thread is needed and nothing it
 * writes can follow its exit.
 */
final class ScriptContainer implements ContainerHandle {

    /** The exit code of a container ended by a stop it heeded (128 + SIGTERM). */
    static final int TERMINATED = 143;
    /** The exit code of a container killed at the end of its grace period or for memory (128 + SIGKILL). */
    static final int KILLED = 137;
    /** What a script holds before any {@code alloc}: a notional footprint, so usage reads as in use. */
    static final long BASE_MEMORY = 64 << 10;

    private static final Logger LOG = LoggerFactory.getLogger(ScriptContainer.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 20;

    private final ContainerSpec spec;
    private final Script script;
    private final ContainerOutput output;
    private final String revision;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean stopRequested; // guarded by lock
    private long killAt; // System.nanoTime() deadline, valid when stopRequested; guarded by lock
    private long grace; // ms of the stop that set killAt; guarded by lock
    private final boolean ignoringStop;
    private final List<byte[]> held = new ArrayList<>(); // container thread only
    private volatile long heldBytes;

    ScriptContainer(ContainerSpec spec, Script script, ContainerOutput output, String revision) {
        this.spec = spec;
        this.script = script;
        this.output = output;
        this.revision = revision;
        this.ignoringStop = script.ignoresStop();
        this.thread = new Thread(this::run, "test-" + spec.id());
        this.thread.setDaemon(true);
    }

    void launch() throws ContainerStartException {
        try {
            thread.start();
        } catch (OutOfMemoryError e) { // "unable to create native thread"
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                    "cannot start a thread for " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /** Waits up to {@code timeout} for the container's thread to end; whether it did. */
    boolean join(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
        return exit;
    }

    /**
     * Delivers the stop. A later stop may shorten the grace period (as a force delete after a
     * graceful one does), never lengthen it. A {@code null} grace period counts as zero.
     */
    @Override
    public void stop(Duration gracePeriod) {
        long graceMs = gracePeriod == null || gracePeriod.isNegative() ? 0
                : Math.min(gracePeriod.toMillis(), TimeUnit.DAYS.toMillis(365));
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
            if (!stopRequested || deadline - killAt < 0) {
                killAt = deadline;
                grace = graceMs;
            }
            stopRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The CPU time of the container's thread and the bytes its script holds, while it runs. */
    @Override
    public Optional<ContainerUsage> usage() {
        if (exit.isDone()) {
            return Optional.empty();
        }
        long cpu = CPU.isThreadCpuTimeSupported() ? CPU.getThreadCpuTime(thread.getId()) : -1;
        return cpu < 0 ? Optional.empty() : Optional.of(new ContainerUsage(Instant.now(), cpu, BASE_MEMORY + heldBytes));
    }

    private void run() {
        ContainerExit result;
        try {
            result = execute();
        } catch (IOException e) {
            result = new ContainerExit(1, ContainerExit.ERROR, "cannot write its output: " + e.getMessage(), Instant.now());
        } catch (RuntimeException | Error e) {
            result = new ContainerExit(2, ContainerExit.ERROR, "the test runtime failed: " + e, Instant.now());
        }
        held.clear();
        heldBytes = 0;
        if (exit.complete(result)) {
            LOG.debug("Container {} exited: {} {} {}", spec.id(), result.exitCode(), result.reason(), result.message());
        }
    }

    private ContainerExit execute() throws IOException {
        for (Script.Step step : script.steps()) {
            ContainerExit ended = ended();
            if (ended != null) {
                return ended;
            }
            ended = perform(step);
            if (ended != null) {
                return ended;
            }
        }
        ContainerExit ended = ended();
        return ended != null ? ended : ContainerExit.of(0, "", Instant.now());
    }

    /** Runs one step; the exit if it ended the container. */
    private ContainerExit perform(Script.Step step) throws IOException {
        switch (step.verb()) {
            case PRINT -> line(output.stdout(), step.text());
            case EPRINT -> line(output.stderr(), step.text());
            case VERSION -> line(output.stdout(), "test provider " + revision);
            case SLEEP -> {
                return waitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(step.number(),
                        TimeUnit.DAYS.toMillis(365))), false);
            }
            case ALLOC -> {
                return allocate(step.number());
            }
            case EXIT -> {
                return ContainerExit.of((int) step.number(), "", Instant.now());
            }
            case RUN, IGNORE_STOP -> {
                return waitForStop();
            }
            default -> throw new IllegalStateException("unknown step " + step);
        }
        return null;
    }

    private static void line(OutputStream stream, String text) throws IOException {
        stream.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    /** Holds {@code bytes} more, or ends the container as OOMKilled when that would pass its limit. */
    private ContainerExit allocate(long bytes) {
        long limit = spec.limits().memoryBytes();
        if (limit > 0 && BASE_MEMORY + heldBytes + bytes > limit) {
            return new ContainerExit(KILLED, ContainerExit.OOM_KILLED, String.format(
                    "memory limit of %d bytes reached: %d held, %d more asked for", limit, BASE_MEMORY + heldBytes, bytes),
                    Instant.now());
        }
        for (long left = bytes; left > 0; left -= CHUNK) {
            held.add(new byte[(int) Math.min(CHUNK, left)]);
        }
        heldBytes += bytes;
        return null;
    }

    /** Waits until a stop ends the container; its exit. */
    private ContainerExit waitForStop() {
        return waitUntil(0, true);
    }

    /**
     * Waits until {@code deadline} (a {@link System#nanoTime()} value; ignored when {@code forever})
     * or until a stop ends the container; the exit in the latter case, else null.
     */
    private ContainerExit waitUntil(long deadline, boolean forever) {
        lock.lock();
        try {
            while (true) {
                ContainerExit ended = endedLocked();
                if (ended != null) {
                    return ended;
                }
                boolean killDue = stopRequested && (forever || killAt - deadline < 0);
                if (!killDue && forever) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long wait = (killDue ? killAt : deadline) - System.nanoTime();
                if (wait <= 0) {
                    return null; // slept its time; a kill due at the same moment is seen before the next step
                }
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return killed();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private ContainerExit ended() {
        lock.lock();
        try {
            return endedLocked();
        } finally {
            lock.unlock();
        }
    }

    private ContainerExit endedLocked() {
        if (!stopRequested) {
            return null;
        }
        if (System.nanoTime() - killAt >= 0) {
            return killed();
        }
        return ignoringStop ? null : new ContainerExit(TERMINATED, ContainerExit.ERROR,
                "terminated: stopped by the kubelet", Instant.now());
    }

    private ContainerExit killed() {
        return new ContainerExit(KILLED, ContainerExit.ERROR, "killed: its grace period of " + grace + " ms was over",
                Instant.now());
    }
}
