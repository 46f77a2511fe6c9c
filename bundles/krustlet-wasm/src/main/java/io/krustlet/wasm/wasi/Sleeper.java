package io.krustlet.wasm.wasi;

/**
 * Where a module waits in {@code poll_oneoff} when nothing is ready yet: the one place its
 * thread blocks on time. {@link #THREAD} sleeps the module's thread: on a virtual thread (Java 21+,
 * see {@code io.krustlet.wasm.ModuleThreads}) that parks it and frees its carrier, so a sleeping
 * module holds no platform thread; on a platform thread (Java 17) the thread waits.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits {@code nanos} nanoseconds, or less if interrupted.
     *
     * @throws InterruptedException when the module is being stopped
     */
    void sleep(long nanos) throws InterruptedException;

    /** Sleeps the calling thread ({@link java.util.concurrent.TimeUnit#sleep}). */
    Sleeper THREAD = nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);

    /** {@code sleeper}, with each sleep bracketed by {@code blocking}. */
    static Sleeper blocking(Sleeper sleeper, Blocking blocking) {
        return nanos -> {
            blocking.enter();
            try {
                sleeper.sleep(nanos);
            } finally {
                blocking.exit();
            }
        };
    }
}
