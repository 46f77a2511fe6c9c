package io.krustlet.core.status.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One line of a CRI log file, {@code <RFC3339Nano time> <stdout|stderr> <P|F>[:tags] <text>}. The
 * text stays bytes: a container may write anything, and the kubelet passes it on unchanged.
 *
 * @param partial whether the line continues in the next record (a line longer than the writer's cap)
 */
record CriRecord(int timeEnd, boolean partial, byte[] line, int textStart) {

    /** The record, or null for a line that is not in the CRI format. */
    static CriRecord parse(byte[] line) {
        int first = indexOf(line, 0);
        int second = first < 0 ? -1 : indexOf(line, first + 1);
        if (second < 0) {
            return null;
        }
        int third = indexOf(line, second + 1);
        int tagEnd = third < 0 ? line.length : third;
        if (tagEnd == second + 1) {
            return null;
        }
        boolean partial = line[second + 1] == 'P';
        if (!partial && line[second + 1] != 'F') {
            return null;
        }
        if (first < 20 || line[0] < '0' || line[0] > '9') {
            return null;
        }
        return new CriRecord(first, partial, line, third < 0 ? line.length : third + 1);
    }

    /**
     * The record's time, parsed only when asked (sinceTime, timestamps): most requests need none,
     * and parsing is most of the cost of reading a log. An unreadable time counts as the epoch.
     */
    Instant time() {
        Instant time = time(new String(line, 0, timeEnd, StandardCharsets.US_ASCII));
        return time == null ? Instant.EPOCH : time;
    }

    int textLength() {
        return line.length - textStart;
    }

    private static Instant time(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static int indexOf(byte[] line, int from) {
        for (int i = from; i < line.length; i++) {
            if (line[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
