package io.krustlet.wasm.wasi;

import com.dylibso.chicory.wasm.ChicoryException;

/**
 * The module raised a signal whose default action ends the process ({@code proc_raise}): WASI
 * has no signal handlers, so the module ends as a Linux process killed by that signal would,
 * with exit code 128 + the signal's Linux number.
 */
public final class WasiSignalException extends ChicoryException {
    private static final long serialVersionUID = 1L;

    private final int linuxNumber;
    private final String signalName;

    WasiSignalException(int linuxNumber, String signalName) {
        super("terminated by signal " + signalName + " (proc_raise)");
        this.linuxNumber = linuxNumber;
        this.signalName = signalName;
    }

    /** 128 + the signal's Linux number, as a shell reports a process killed by it. */
    public int exitCode() {
        return 128 + linuxNumber;
    }

    public String signalName() {
        return signalName;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
