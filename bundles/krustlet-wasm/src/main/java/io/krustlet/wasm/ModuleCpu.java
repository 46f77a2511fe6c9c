package io.krustlet.wasm;

import io.krustlet.wasm.wasi.Blocking;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time one module run has used, on whatever thread it runs.
 *
 * <p>The run is a sequence of segments in which the module's thread is on a CPU: from
 * {@link #begin()} to the first {@link #enter()} (a sleep, an outbound request), from each
 * {@link #exit()} to the next {@code enter()}, and from the last to {@link #end()}. Each segment is
 * measured with the CPU clock of the operating system thread that runs it:
 *
 * <ul>
 *   <li>on a platform thread, that thread's CPU time ({@link ThreadMXBean}), which is exact;</li>
 *   <li>on a virtual thread, the CPU time of its carrier, read from Linux's
 *       {@code /proc/thread-self/schedstat} (nanoseconds on the CPU; the JDK's
 *       {@code ThreadMXBean} answers -1 for virtual threads). A virtual thread only leaves its
 *       carrier where it blocks, and a module blocks where {@link Blocking} brackets it, so a
 *       segment runs on one carrier and its CPU time is the carrier's. The kernel brings that
 *       figure up to date at its scheduler ticks (every few milliseconds), not when the carrier
 *       switches virtual threads, so a short segment may read 0 or a tick's worth: like the
 *       kernel's own tick-based accounting, right on average and exact to a tick per segment, and
 *       as exact as the thread's own clock for a module that computes. Should a segment end on
 *       another carrier than it began (the module's thread blocked somewhere else, a contended
 *       lock on its log, say), its wall-clock time is counted instead;</li>
 *   <li>on a virtual thread without {@code /proc} (not Linux), the wall-clock time of the
 *       segments: the time the module held a carrier, which is its CPU time unless the machine is
 *       short of CPU.</li>
 * </ul>
 *
 * <p>Thread safety: {@code begin}, {@code enter}, {@code exit} and {@code end} are called on the
 * module's thread; {@link #nanos()} on any thread. A reading costs about a microsecond on a
 * platform thread and some 15 microseconds on a virtual thread (two small {@code /proc} reads).
 */
public final class ModuleCpu implements Blocking {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final boolean PROC = Files.isReadable(THREAD_SELF.resolve("schedstat"));

    /** A clock reading: the operating system thread (or Java thread) read, its CPU time, and when. */
    private record Reading(long thread, long cpu, long wall) {
    }

    /** What has been counted, and the segment under way (null between segments). */
    private record State(long total, Reading segment) {
    }

    private volatile State state = new State(0, null);
    private volatile Clock clock;

    /** The run begins on the calling thread. */
    public void begin() {
        clock = Clock.forCurrentThread();
        state = new State(0, clock.read());
    }

    @Override
    public void enter() {
        close();
    }

    @Override
    public void exit() {
        Clock c = clock;
        if (c != null) {
            state = new State(state.total(), c.read());
        }
    }

    /** The run has ended on the calling thread. */
    public void end() {
        close();
    }

    private void close() {
        State s = state;
        Clock c = clock;
        if (c != null && s.segment() != null) {
            Reading now = c.read();
            long spent = now.thread() == s.segment().thread() ? now.cpu() - s.segment().cpu()
                    : now.wall() - s.segment().wall();
            state = new State(s.total() + Math.max(0, spent), null);
        }
    }

    /**
     * The CPU time used so far, in nanoseconds: what the finished segments counted, plus the
     * segment under way as its thread's clock shows it now; -1 when the JVM cannot measure CPU
     * time at all.
     */
    public long nanos() {
        Clock c = clock;
        State s = state;
        if (c == null) {
            return 0;
        }
        if (c == Clock.UNSUPPORTED) {
            return -1;
        }
        if (s.segment() == null) {
            return s.total();
        }
        long now = c.cpuOf(s.segment().thread());
        return s.total() + (now < 0 ? 0 : Math.max(0, now - s.segment().cpu()));
    }

    /** A CPU clock for the threads of one kind. */
    private enum Clock {
        /** A platform thread's own CPU time. */
        PLATFORM {
            @Override
            Reading read() {
                return new Reading(Thread.currentThread().getId(), THREADS.getCurrentThreadCpuTime(), System.nanoTime());
            }

            @Override
            long cpuOf(long thread) {
                return THREADS.getThreadCpuTime(thread);
            }
        },
        /** The CPU time of the carrier of a virtual thread, from Linux's /proc. */
        CARRIER {
            @Override
            Reading read() {
                long wall = System.nanoTime();
                try {
                    // "<pid>/task/<tid>": read on the carrier, which a file read never leaves
                    long tid = Long.parseLong(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
                    return new Reading(tid, schedstat(THREAD_SELF.resolve("schedstat")), wall);
                } catch (IOException | RuntimeException e) {
                    return new Reading(-1, wall, wall);
                }
            }

            @Override
            long cpuOf(long thread) {
                try {
                    return thread < 0 ? -1 : schedstat(Path.of("/proc/self/task", Long.toString(thread), "schedstat"));
                } catch (IOException | RuntimeException e) {
                    return -1; // the carrier has ended
                }
            }
        },
        /** Wall-clock time, where no CPU clock reaches the thread. */
        WALL {
            @Override
            Reading read() {
                long now = System.nanoTime();
                return new Reading(0, now, now);
            }

            @Override
            long cpuOf(long thread) {
                return System.nanoTime();
            }
        },
        /** The JVM measures no thread CPU time. */
        UNSUPPORTED {
            @Override
            Reading read() {
                return new Reading(0, 0, System.nanoTime());
            }

            @Override
            long cpuOf(long thread) {
                return -1;
            }
        };

        abstract Reading read();

        /** The CPU time of the thread a reading named, now; -1 when it cannot be read. */
        abstract long cpuOf(long thread);

        static Clock forCurrentThread() {
            if (ModuleThreads.isVirtual(Thread.currentThread())) {
                return PROC ? CARRIER : WALL;
            }
            return THREADS.isCurrentThreadCpuTimeSupported() ? PLATFORM : UNSUPPORTED;
        }

        /** The first field of a schedstat file: nanoseconds spent on a CPU. */
        private static long schedstat(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            long value = 0;
            for (byte b : bytes) {
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
            }
            return value;
        }
    }
}
