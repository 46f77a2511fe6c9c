package io.krustlet.wasm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The threads modules run on. On a JVM with virtual threads (Java 21+) a module can run on a
 * virtual thread: while it waits in {@code poll_oneoff} (a sleep) it then holds no platform
 * thread, only its parked stack on the heap, since Chicory's interpreter and compiled code leave
 * no native frame and no monitor on the stack that would pin it. On Java 17 it runs on a platform
 * thread of its own.
 *
 * <p>A virtual thread keeps its carrier until it blocks: a module that computes holds one of the
 * scheduler's carriers, whose number is {@value #PARALLELISM} (by default the number of
 * processors). With the default, a few computing modules would stop every other module, so
 * {@link #virtualConfigured()} is true only when that property was set for this JVM (the
 * distribution's {@code bin/setenv} sets 256 on Java 21+): then up to that many modules compute at
 * once, time-sliced by the operating system as platform threads are.
 *
 * <p>No hard dependency on Java 21: the library is compiled for Java 17 and finds
 * {@code Thread.ofVirtual()} by reflection once.
 */
public final class ModuleThreads {

    /** The system property giving the virtual thread scheduler's carriers (JDK 21+). */
    public static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    /** {@code Thread.ofVirtual()}, or null on a JVM without virtual threads. */
    private static final MethodHandle OF_VIRTUAL = ofVirtual();
    private static final MethodHandle NAME;
    private static final MethodHandle UNSTARTED;
    /** {@code Thread.isVirtual()}, or null on a JVM without virtual threads. */
    private static final MethodHandle IS_VIRTUAL;

    static {
        MethodHandle name = null;
        MethodHandle unstarted = null;
        MethodHandle isVirtual = null;
        if (OF_VIRTUAL != null) {
            try {
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                var lookup = MethodHandles.publicLookup();
                name = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class));
                unstarted = lookup.findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
                isVirtual = lookup.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        NAME = name;
        UNSTARTED = unstarted;
        IS_VIRTUAL = isVirtual;
    }

    private ModuleThreads() {
    }

    private static MethodHandle ofVirtual() {
        try {
            Class<?> builder = Class.forName("java.lang.Thread$Builder$OfVirtual");
            return MethodHandles.publicLookup().findStatic(Thread.class, "ofVirtual", MethodType.methodType(builder));
        } catch (ReflectiveOperationException e) {
            return null; // Java 17-20
        }
    }

    /** Whether this JVM has virtual threads, so that {@link #newThread} makes virtual ones when asked. */
    public static boolean virtualAvailable() {
        return OF_VIRTUAL != null;
    }

    /**
     * Whether modules should run on virtual threads here: the JVM has them and the operator gave
     * their scheduler its number of carriers ({@value #PARALLELISM}, a positive number).
     */
    public static boolean virtualConfigured() {
        return OF_VIRTUAL != null && carriers() > 0;
    }

    /** The scheduler's carriers as configured ({@value #PARALLELISM}), or 0 when not set. */
    public static int carriers() {
        try {
            return Math.max(0, Integer.parseInt(System.getProperty(PARALLELISM, "0").strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether {@code thread} is a virtual thread (never on Java 17). */
    public static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * An unstarted thread for one module run: virtual when {@code virtual} is true and the JVM has
     * virtual threads, else a daemon platform thread.
     */
    public static Thread newThread(String name, Runnable task, boolean virtual) {
        if (virtual && OF_VIRTUAL != null) {
            try {
                Object builder = OF_VIRTUAL.invoke();
                builder = NAME.invoke(builder, name);
                return (Thread) UNSTARTED.invoke(builder, task);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("cannot make a virtual thread", e);
            }
        }
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
