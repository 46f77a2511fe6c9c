package io.krustlet.wasm;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One of the core's log streams as a module sees it. Once the container's exit has been
 * reported, the core may close or rotate the stream; a module thread that ignored its stop and
 * is still running must not write into it any more, so {@link #detach()} drops later writes.
 * Never closes the core's stream: the core owns it.
 */
public final class DetachableOutputStream extends OutputStream {

    private final OutputStream target;
    private volatile boolean detached;

    /** @param target the stream written to until {@link #detach()} */
    public DetachableOutputStream(OutputStream target) {
        this.target = target;
    }

    /** Drops every later write; the target is left open. */
    public void detach() {
        detached = true;
    }

    @Override
    public void write(int b) throws IOException {
        if (!detached) {
            target.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!detached) {
            target.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!detached) {
            target.flush();
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
