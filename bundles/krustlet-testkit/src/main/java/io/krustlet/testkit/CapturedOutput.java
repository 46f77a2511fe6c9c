package io.krustlet.testkit;

import io.krustlet.api.ContainerOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two streams a test hands a provider as a container's {@link ContainerOutput}: they keep
 * what is written, note whether anyone closed them, and refuse writes once closed, as the core's
 * log files do. Thread-safe.
 */
public final class CapturedOutput {

    private final Capture stdout = new Capture("stdout");
    private final Capture stderr = new Capture("stderr");

    /** The streams to pass to {@link io.krustlet.api.ContainerRuntime#start}. */
    public ContainerOutput output() {
        return new ContainerOutput(stdout, stderr);
    }

    /** What reached stdout so far, decoded as UTF-8. */
    public String stdout() {
        return stdout.text();
    }

    /** What reached stderr so far, decoded as UTF-8. */
    public String stderr() {
        return stderr.text();
    }

    /** Bytes written to both streams so far. */
    public long bytes() {
        return stdout.size() + stderr.size();
    }

    /** Whether stdout or stderr was closed; a provider must close neither (the core owns them). */
    public boolean closed() {
        return stdout.closed || stderr.closed;
    }

    private static final class Capture extends OutputStream {
        private final String name;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean closed;

        Capture(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            requireOpen();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            requireOpen();
            bytes.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            requireOpen();
        }

        @Override
        public void close() {
            closed = true;
        }

        private void requireOpen() throws IOException {
            if (closed) {
                throw new IOException(name + " is closed");
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        synchronized int size() {
            return bytes.size();
        }
    }
}
