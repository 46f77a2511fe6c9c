package io.krustlet.wasm.wasi;

/**
 * Where a module waits in {@code poll_oneoff} when nothing is ready yet: the one place its
 * thread blocks on time. Kept behind this interface so a later implementation can park the
 * module without holding a platform thread (the density work); today's blocks the thread.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits {@code nanos} nanoseconds, or less if interrupted.
     *
     * @throws InterruptedException when the module is being stopped
     */
    void sleep(long nanos) throws InterruptedException;

    /** Blocks the calling thread ({@link java.util.concurrent.TimeUnit#sleep}). */
    Sleeper THREAD = nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
}
