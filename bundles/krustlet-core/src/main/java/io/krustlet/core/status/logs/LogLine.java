package io.krustlet.core.status.logs;

import java.io.ByteArrayOutputStream;
import java.time.Instant;

/** One line of a container's output, its partial records joined, with the time of its first record. */
record LogLine(CriRecord first, byte[] text) {

    Instant time() {
        return first.time();
    }

    /** Joins partial records into lines. */
    static final class Joiner {
        private CriRecord started;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        /** @return the finished line, or null while the record was partial */
        LogLine add(CriRecord record) {
            if (started == null) {
                started = record;
            }
            pending.write(record.line(), record.textStart(), record.textLength());
            if (record.partial()) {
                return null;
            }
            LogLine line = new LogLine(started, pending.toByteArray());
            pending.reset();
            started = null;
            return line;
        }
    }
}
