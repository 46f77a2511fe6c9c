package io.krustlet.wagi;

import io.krustlet.api.ContainerExit;
import io.krustlet.wasm.WasiInstance;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request's run of the handler, and who answers it. Three parties may want to: the request
 * thread when the module ends, the watchdog when the module runs past its timeout (504), and the
 * container when it stops with the request still running (503). Exactly one does, chosen under
 * this object's lock; the others leave the response alone. The module runs on the request
 * thread; the watchdog and the container stop it by interrupting that thread, which they do only
 * while the module runs (so a stale interrupt never reaches the server's thread pool).
 */
final class Exchange {

    private static final Duration INTERRUPT_REPEAT = Duration.ofMillis(100);

    private final Response response;
    private final Callback callback;
    private final StringBuffer note;
    private Thread thread;
    private boolean running;
    private boolean answered;
    private boolean committed;
    private boolean timedOut;
    private boolean killed;
    private volatile boolean outputFailed;
    private ScheduledFuture<?> interrupts;
    private volatile WasiInstance instance; // read without the lock by usage(), which must not wait

    /**
     * @param response the response to answer on
     * @param callback completes the request (once)
     * @param note what went wrong, for the access-log line; whoever ends the request adds to it first
     */
    Exchange(Response response, Callback callback, StringBuffer note) {
        this.response = response;
        this.callback = callback;
        this.note = note;
    }

    /**
     * Runs {@code instance}'s {@code _start} on the calling thread, stoppable by {@link #timeout}
     * and {@link #kill} while it runs; clears any interrupt they left before it returns.
     */
    ContainerExit run(WasiInstance instance) {
        synchronized (this) {
            this.thread = Thread.currentThread();
            this.instance = instance;
            this.running = !timedOut && !killed;
            if (!running) {
                instance.close();
                return null;
            }
        }
        try {
            return instance.run(this::stopRequested);
        } finally {
            synchronized (this) {
                running = false;
                this.instance = null;
                if (interrupts != null) {
                    interrupts.cancel(false);
                }
            }
            Thread.interrupted(); // whatever interrupt was meant for the module ends here
        }
    }

    /** Linear memory of the module while it runs, in bytes; never blocks. */
    long memoryBytes() {
        WasiInstance running = instance;
        return running == null ? 0 : running.memoryBytes();
    }

    /** Whether someone asked the module to stop: then its ending is that stop, not a failure of its own. */
    boolean stopRequested() {
        synchronized (this) {
            if (timedOut || killed) {
                return true;
            }
        }
        return outputFailed;
    }

    /** The module's output cannot be used; it interrupted itself. */
    void outputFailed() {
        outputFailed = true;
    }

    /** The watchdog: the handler ran too long. Answers 504 unless the response is already under way. */
    void timeout(Duration timeout, ScheduledExecutorService timer) {
        boolean answer;
        synchronized (this) {
            if (answered && !running || timedOut || killed) {
                return;
            }
            timedOut = true;
            note.append(note.length() > 0 ? "; " : "").append("timed out after ").append(WagiHandler.format(timeout));
            answer = claimLocked();
            interruptLocked(timer);
        }
        if (answer) {
            send(504, "504 Gateway Timeout: the handler did not answer within " + WagiHandler.format(timeout)
                    + "; it was stopped\n", false);
        }
    }

    /** The container stops and cannot wait for this request any longer. Answers 503 unless under way. */
    void kill(ScheduledExecutorService timer) {
        boolean answer;
        synchronized (this) {
            if (answered && !running || timedOut || killed) {
                return;
            }
            killed = true;
            note.append(note.length() > 0 ? "; " : "").append("stopped with the container");
            answer = claimLocked();
            interruptLocked(timer);
        }
        if (answer) {
            send(503, "503 Service Unavailable: the container stopped before the handler answered\n", true);
        }
    }

    private void interruptLocked(ScheduledExecutorService timer) {
        if (!running) {
            return;
        }
        thread.interrupt();
        // a host call (a sleep, say) may swallow one interrupt: repeat until the module is gone
        try {
            interrupts = timer.scheduleWithFixedDelay(() -> {
                synchronized (this) {
                    if (running) {
                        thread.interrupt();
                    }
                }
            }, INTERRUPT_REPEAT.toMillis(), INTERRUPT_REPEAT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the provider is shutting down; the one interrupt above has to do
        }
    }

    /** The request thread's claim to answer: false when the watchdog or the container already did. */
    synchronized boolean claim() {
        return claimLocked();
    }

    private boolean claimLocked() {
        if (answered) {
            return false;
        }
        answered = true;
        return true;
    }

    /** A body too large to hold back: the request thread answers now, by streaming. */
    synchronized boolean claimForStreaming() {
        if (!claimLocked()) {
            return false;
        }
        committed = true;
        return true;
    }

    /** Whether this thread's streamed response must be cut off because the request ended otherwise. */
    synchronized boolean committed() {
        return committed;
    }

    synchronized boolean timedOut() {
        return timedOut;
    }

    synchronized boolean killed() {
        return killed;
    }

    /** Sends a short text answer and completes the request. */
    void send(int status, String text, boolean close) {
        WagiHandler.plain(response, callback, status, text, close);
    }
}
