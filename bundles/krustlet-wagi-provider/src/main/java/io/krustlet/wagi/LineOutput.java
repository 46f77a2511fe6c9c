package io.krustlet.wagi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A handler's standard error for one request, passed to the container's log a whole line at a
 * time, so that the lines of requests running at once never mix. A line longer than
 * {@link #MAX_PENDING} bytes is passed on in pieces; what is left at the end gets a newline.
 * Used by one request thread; the target is the container's shared log stream.
 */
final class LineOutput extends OutputStream {

    static final int MAX_PENDING = 16 * 1024;

    private final OutputStream target;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    LineOutput(OutputStream target) {
        this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int lastNewline = -1;
        for (int i = off + len - 1; i >= off; i--) {
            if (b[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline < 0) {
            pending.write(b, off, len);
            if (pending.size() > MAX_PENDING) {
                emit(new byte[] {'\n'}, 0, 1);
            }
            return;
        }
        int upTo = lastNewline + 1;
        emit(b, off, upTo - off);
        pending.write(b, upTo, off + len - upTo);
    }

    /** One write to the target: what was pending, then {@code b}. */
    private void emit(byte[] b, int off, int len) throws IOException {
        if (pending.size() == 0) {
            target.write(b, off, len);
        } else {
            pending.write(b, off, len);
            byte[] all = pending.toByteArray();
            pending.reset();
            target.write(all, 0, all.length);
        }
    }

    /** Passes on an unfinished last line, with a newline. */
    @Override
    public void close() throws IOException {
        if (pending.size() > 0) {
            emit(new byte[] {'\n'}, 0, 1);
        }
    }
}
