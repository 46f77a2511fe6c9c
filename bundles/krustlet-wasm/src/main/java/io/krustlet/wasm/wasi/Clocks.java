package io.krustlet.wasm.wasi;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;

/** The four WASI clocks, in nanoseconds. */
final class Clocks {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Clock clock;
    private final long origin = System.nanoTime();

    Clocks(Clock clock) {
        this.clock = clock;
    }

    /** Nanoseconds since the instance was made; never goes back. */
    long monotonic() {
        return System.nanoTime() - origin;
    }

    /** Nanoseconds since 1970 on the node's (or the test's) clock. */
    long realtime() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * CPU time of the module: its thread's, since a module runs on the one thread that calls
     * (both CPU-time clocks read the same).
     */
    long cpu() {
        long t = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : monotonic();
    }

    /** The reading of clock {@code id}, or -1 for an unknown clock. */
    long time(int id) {
        return switch (id) {
            case Abi.CLOCK_REALTIME -> realtime();
            case Abi.CLOCK_MONOTONIC -> monotonic();
            case Abi.CLOCK_PROCESS_CPUTIME, Abi.CLOCK_THREAD_CPUTIME -> cpu();
            default -> -1;
        };
    }

    /** The resolution of clock {@code id} in nanoseconds, or -1 for an unknown clock. */
    static long resolution(int id) {
        return switch (id) {
            case Abi.CLOCK_REALTIME -> 1_000; // java.time's system clock ticks in microseconds
            case Abi.CLOCK_MONOTONIC, Abi.CLOCK_PROCESS_CPUTIME, Abi.CLOCK_THREAD_CPUTIME -> 1;
            default -> -1;
        };
    }
}
