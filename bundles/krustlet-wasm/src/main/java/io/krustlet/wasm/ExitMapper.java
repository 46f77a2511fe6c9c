package io.krustlet.wasm;

import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.wasi.WasiExitException;
import io.krustlet.wasm.wasi.WasiSignalException;
import io.krustlet.api.ContainerExit;
import java.time.Duration;
import java.time.Instant;

/**
 * How the end of a module's {@code _start} reads as a container exit. Exit codes follow the
 * conventions Kubernetes users know from Linux containers: a trap is an abort (134, like
 * wasmtime's SIGABRT), a stop by the kubelet or the memory limit a kill (137).
 */
public final class ExitMapper {

    /** The exit code of a trap (SIGABRT's 128 + 6). */
    public static final int TRAP_EXIT_CODE = 134;
    /** The exit code of a module the node killed (SIGKILL's 128 + 9). */
    public static final int KILLED_EXIT_CODE = 137;
    /** The message of a module stopped by the node. */
    public static final String STOPPED_MESSAGE = "stopped by the kubelet";

    private ExitMapper() {
    }

    /** {@code _start} returned. */
    public static ContainerExit completed(Instant at) {
        return ContainerExit.of(0, "", at);
    }

    /**
     * {@code _start} ended with {@code failure}.
     *
     * @param stopRequested whether the kubelet asked the container to stop: then anything but the
     *     module's own {@code proc_exit} is the stop taking effect (the interrupt surfaces as
     *     Chicory's interrupted exception, or as an I/O error inside a host call)
     */
    public static ContainerExit of(Throwable failure, boolean stopRequested, Instant at) {
        Throwable cause = unwrap(failure);
        if (cause instanceof WasiExitException exit) {
            return ContainerExit.of(exit.exitCode(), "", at);
        }
        if (cause instanceof WasiSignalException signal) {
            return new ContainerExit(signal.exitCode(), ContainerExit.ERROR, signal.getMessage(), at);
        }
        if (cause instanceof ExecutionCompletedException) {
            return completed(at); // proc_exit(0) when Chicory is told not to throw on exit 0
        }
        if (stopRequested) {
            return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.ERROR, STOPPED_MESSAGE, at);
        }
        if (cause instanceof StackOverflowError) {
            return new ContainerExit(TRAP_EXIT_CODE, ContainerExit.ERROR, "wasm trap: call stack exhausted", at);
        }
        if (cause instanceof OutOfMemoryError) {
            return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.OOM_KILLED,
                    "the JVM ran out of memory while running this module: " + cause.getMessage(), at);
        }
        if (cause instanceof Error) {
            // a bug in the engine or the JVM, not in the module: say so rather than blame a trap
            return new ContainerExit(TRAP_EXIT_CODE, ContainerExit.ERROR, "the WASI runtime failed: " + cause, at);
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ContainerExit(TRAP_EXIT_CODE, ContainerExit.ERROR, "wasm trap: " + message, at);
    }

    /**
     * The module failed after its memory limit refused a {@code memory.grow}: Kubernetes calls
     * that OOMKilled. The module's own ending stays in the message.
     */
    public static ContainerExit oomKilled(ContainerExit original, long limitBytes, long wantedBytes) {
        String message = "memory limit of " + mib(limitBytes) + " reached (the module asked for " + mib(wantedBytes)
                + "); then it " + howItEnded(original);
        return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.OOM_KILLED, message, original.finishedAt());
    }

    /**
     * A module that failed after a {@code memory.grow} beyond what this runtime supports was
     * refused: same exit, with the reason in the message, as wasm32 allows 4 GiB and a limit may
     * too.
     */
    public static ContainerExit beyondRuntimeMemory(ContainerExit original, long wantedBytes) {
        String message = "the module asked for " + mib(wantedBytes) + " of linear memory, more than the 2 GiB ("
                + LimitedMemory.RUNTIME_MAX_PAGES + " pages of 64 KiB) this runtime supports, and was refused; then it "
                + howItEnded(original);
        return new ContainerExit(original.exitCode(), original.reason(), message, original.finishedAt());
    }

    /** The module's own ending, after a refused grow: "ended with" its trap, or "exited with code" N. */
    private static String howItEnded(ContainerExit original) {
        return original.exitCode() == TRAP_EXIT_CODE && !original.message().isEmpty()
                ? "ended with " + original.message() : "exited with code " + original.exitCode();
    }

    /** The module ignored every interrupt for the whole grace period. */
    public static ContainerExit abandoned(Duration gracePeriod, Instant at) {
        return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.ERROR, STOPPED_MESSAGE + " (it did not stop within "
                + gracePeriod.toMillis() + " ms; its thread was abandoned and its output cut off)", at);
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** Host functions may wrap the exception that carries the exit; find it. */
    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof WasiExitException || t instanceof ExecutionCompletedException
                    || t instanceof WasiSignalException) {
                return t;
            }
        }
        return failure;
    }
}
