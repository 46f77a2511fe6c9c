package io.krustlet.wasm.wasi;

/**
 * {@code proc_raise}: WASI has no signal handlers, so a raised signal takes its POSIX default
 * action: most end the module ({@link WasiSignalException}, exit code 128 + the Linux number),
 * SIGCHLD, SIGCONT, SIGURG and SIGWINCH are ignored, the stop signals are not supported
 * ({@link Errno#NOTSUP}: a module cannot be stopped and continued).
 */
final class Signals {

    /** WASI's signal numbers (witx {@code signal}) 1..30, by name. */
    private static final String[] NAMES = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
        "SIGPOLL", "SIGPWR", "SIGSYS"};

    private Signals() {
    }

    static int raise(int signal) throws WasiError {
        if (signal < 0 || signal >= NAMES.length) {
            throw WasiError.of(Errno.INVAL);
        }
        String name = NAMES[signal];
        switch (name) {
            case "", "SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH":
                return Errno.SUCCESS;
            case "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU":
                throw WasiError.of(Errno.NOTSUP);
            default:
                // WASI numbers follow Linux up to SIGTERM (15); from SIGCHLD on Linux' are one higher
                throw new WasiSignalException(signal <= 15 ? signal : signal + 1, name);
        }
    }
}
