package io.krustlet.core.status.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes log lines as the kubelet does: the text and a newline, after the time in RFC3339 with
 * nine fraction digits when timestamps are asked for; stops, mid-line if need be, at limitBytes.
 */
final class LogOutput {

    /** Go's RFC3339NanoFixed, the kubelet's timestamp format. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final OutputStream out;
    private final boolean timestamps;
    private final Instant since;
    private long remaining;

    LogOutput(OutputStream out, ReadOptions options) {
        this.out = out;
        this.timestamps = options.timestamps();
        this.since = options.since();
        this.remaining = options.limitBytes() == null ? Long.MAX_VALUE : options.limitBytes();
    }

    boolean wants(LogLine line) {
        return since == null || !line.time().isBefore(since);
    }

    /** @return false once the byte limit is reached */
    boolean write(LogLine line) throws IOException {
        if (remaining <= 0) {
            return false;
        }
        if (timestamps) {
            write(TIMESTAMP.format(line.time()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            write(new byte[] {' '});
        }
        write(line.text());
        write(new byte[] {'\n'});
        return remaining > 0;
    }

    private void write(byte[] bytes) throws IOException {
        int length = (int) Math.min(bytes.length, remaining);
        if (length > 0) {
            out.write(bytes, 0, length);
            remaining -= length;
        }
    }

    boolean full() {
        return remaining <= 0;
    }

    void flush() throws IOException {
        out.flush();
    }
}
