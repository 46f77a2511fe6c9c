package io.krustlet.core.status.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Writes one container run's log: its rotated files oldest first, then the current one; the CRI
 * prefix removed, partial records joined, filtered by time, the last N lines only, up to a byte
 * limit. With follow it then keeps reading the current file, across rotations, until the container
 * stops running (then everything it wrote is sent and the stream ends), the byte limit is reached,
 * or the client goes away.
 */
public final class CriLogReader {

    private final ReadOptions options;
    private final LogOutput output;
    private final LogLine.Joiner joiner = new LogLine.Joiner();
    private final ArrayDeque<LogLine> tail;
    /** Set once the last N lines are out: followed lines then go straight to the client. */
    private boolean tailDone;

    private CriLogReader(ReadOptions options, OutputStream out) {
        this.options = options;
        this.output = new LogOutput(out, options);
        this.tail = options.tailLines() == null ? null : new ArrayDeque<>(Math.min(options.tailLines(), 10_000));
    }

    /**
     * Writes the log of one container run to {@code out}; with {@code follow}, blocks until the
     * run ends, the byte limit is reached or {@code control} cancels (it is polled between reads).
     *
     * @param current the run's current log file ({@code <restart>.log}); its rotated predecessors
     *     are read first
     * @throws IOException when {@code out} fails (the client went away) or a file cannot be read
     * @throws InterruptedException when the following thread is interrupted
     */
    public static void stream(Path current, ReadOptions options, OutputStream out, FollowControl control)
            throws IOException, InterruptedException {
        new CriLogReader(options, out).run(current, control);
    }

    private void run(Path current, FollowControl control) throws IOException, InterruptedException {
        List<Path> files = LogFiles.oldestFirst(current);
        LineReader reader = null;
        try {
            for (Path file : files) {
                if (reader != null) {
                    reader.close();
                }
                try {
                    reader = new LineReader(file);
                } catch (java.nio.file.NoSuchFileException e) {
                    reader = null; // rotated away meanwhile: its lines are in the next file's predecessor
                    continue;
                }
                if (reader.readAvailable(this::line) < 0) {
                    return;
                }
            }
            flushTail();
            output.flush();
            if (options.follow() && !output.full()) {
                follow(current, reader, control);
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private void follow(Path current, LineReader first, FollowControl control)
            throws IOException, InterruptedException {
        LineReader reader = first;
        try {
            while (!control.cancelled()) {
                int read = reader == null ? 0 : reader.readAvailable(this::line);
                if (read < 0) {
                    return;
                }
                if (read > 0) {
                    output.flush();
                    continue;
                }
                if (reader == null || !reader.isStill(current)) {
                    // rotated: what the old file still had is read above; go on with the new one
                    if (Files.exists(current)) {
                        if (reader != null) {
                            reader.close();
                        }
                        reader = new LineReader(current);
                        continue;
                    }
                }
                if (!control.containerRunning()) {
                    // the last lines may land just after the exit is reported: one more look
                    control.await();
                    if (reader != null && reader.readAvailable(this::line) >= 0) {
                        output.flush();
                    }
                    return;
                }
                control.await();
            }
        } finally {
            if (reader != null && reader != first) {
                reader.close();
            }
        }
    }

    private boolean line(byte[] bytes) throws IOException {
        CriRecord record = CriRecord.parse(bytes);
        if (record == null) {
            return true; // not a CRI line (a torn write, a foreign file): skipped, as the kubelet does
        }
        LogLine line = joiner.add(record);
        if (line == null || !output.wants(line)) {
            return true;
        }
        if (tail != null && !tailDone) {
            if (options.tailLines() == 0) {
                return true;
            }
            if (tail.size() == options.tailLines()) {
                tail.removeFirst();
            }
            tail.addLast(line);
            return true;
        }
        return output.write(line);
    }

    /** Writes the collected last lines; later (followed) lines go straight out. */
    private void flushTail() throws IOException {
        if (tail == null) {
            return;
        }
        for (LogLine line : tail) {
            if (!output.write(line)) {
                break;
            }
        }
        tail.clear();
        tailDone = true;
    }
}
