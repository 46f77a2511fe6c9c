package io.krustlet.wasi;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasi.WasiExitException;
import io.krustlet.api.ContainerExit;
import java.time.Instant;

/**
 * How the end of a module's {@code _start} reads as a container exit. Exit codes follow the
 * conventions Kubernetes users know from Linux containers: a trap is an abort (134, like
 * wasmtime), a stop by the kubelet a kill (137).
 */
final class ExitMapper {

    static final int TRAP_EXIT_CODE = 134;
    static final int KILLED_EXIT_CODE = 137;

    private ExitMapper() {
    }

    static ContainerExit completed(Instant at) {
        return ContainerExit.of(0, "", at);
    }

    static ContainerExit of(Throwable failure, boolean stopRequested, Instant at) {
        Throwable cause = unwrap(failure);
        if (cause instanceof WasiExitException exit) {
            return ContainerExit.of(exit.exitCode(), "", at);
        }
        if (stopRequested && (cause instanceof ChicoryInterruptedException || cause instanceof InterruptedException)) {
            return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.ERROR, "stopped by the kubelet", at);
        }
        if (cause instanceof StackOverflowError) {
            return new ContainerExit(TRAP_EXIT_CODE, ContainerExit.ERROR, "wasm trap: call stack exhausted", at);
        }
        if (cause instanceof OutOfMemoryError) {
            return new ContainerExit(KILLED_EXIT_CODE, ContainerExit.OOM_KILLED,
                    "the node ran out of memory for this module: " + cause.getMessage(), at);
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ContainerExit(TRAP_EXIT_CODE, ContainerExit.ERROR, "wasm trap: " + message, at);
    }

    /** Host functions may wrap the exception that carries the exit; find it. */
    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof WasiExitException) {
                return t;
            }
        }
        return failure;
    }
}
