package io.krustlet.core.logs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * One container run's log file in the CRI format the kubelet reads:
 * {@code <RFC3339Nano time> <stdout|stderr> <F|P> <text>}. Lines longer than 16 KiB are split
 * into partial (P) records; the file rotates to {@code .1}, {@code .2}, ... at the size cap.
 *
 * <p>The records of one write of a stream go to the file in one unbuffered write, so a container
 * that writes nothing (a sleeping module) costs no buffer: a node holds one of these per running
 * container, 10,000 of them in the density benchmark.
 */
public final class CriLogFile implements Closeable {

    static final int MAX_LINE = 16 * 1024;
    private static final int LAST_LINE_CHARS = 200;

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private final Clock clock = Clock.systemUTC();
    private final LineStream stdout = new LineStream("stdout");
    private final LineStream stderr = new LineStream("stderr");
    private OutputStream out;
    /** The records of the write under way, or null: written to the file at its end, or before a rotation. */
    private ByteArrayOutputStream batch;
    private long size;
    private String lastLine = "";
    private boolean closed;
    private boolean rotationBroken;

    CriLogFile(Path file, long maxBytes, int maxFiles) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        openFile();
    }

    public Path path() {
        return file;
    }

    public OutputStream stdout() {
        return stdout;
    }

    public OutputStream stderr() {
        return stderr;
    }

    /** The last complete line written to either stream, cut to 200 characters. */
    public synchronized String lastLine() {
        return lastLine;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        stdout.flushPartial();
        stderr.flushPartial();
        writeBatch();
        closed = true;
        out.close();
    }

    private void openFile() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private synchronized void record(String stream, boolean partial, byte[] text, int length) throws IOException {
        if (closed) {
            return;
        }
        byte[] prefix = (DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + " " + stream + (partial ? " P " : " F "))
                .getBytes(StandardCharsets.US_ASCII);
        if (maxBytes > 0 && !rotationBroken && size > 0 && size + prefix.length + length + 1 > maxBytes) {
            writeBatch();
            rotate();
        }
        if (batch == null) {
            batch = new ByteArrayOutputStream(prefix.length + length + 1);
        }
        batch.write(prefix);
        batch.write(text, 0, length);
        batch.write('\n');
        size += prefix.length + length + 1;
        if (!partial) {
            String line = new String(text, 0, length, StandardCharsets.UTF_8);
            lastLine = line.length() > LAST_LINE_CHARS ? line.substring(0, LAST_LINE_CHARS) + "..." : line;
        }
    }

    /** Writes the records collected so far to the file, in one write. */
    private synchronized void writeBatch() throws IOException {
        if (batch != null && !closed) {
            ByteArrayOutputStream records = batch;
            batch = null;
            records.writeTo(out);
        }
    }

    private void rotate() throws IOException {
        out.close();
        try {
            for (int i = maxFiles - 1; i >= 1; i--) {
                Path older = file.resolveSibling(file.getFileName() + "." + i);
                if (i == maxFiles - 1) {
                    Files.deleteIfExists(older);
                } else if (Files.exists(older)) {
                    Files.move(older, file.resolveSibling(file.getFileName() + "." + (i + 1)),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (maxFiles > 1) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.delete(file);
            }
        } catch (IOException e) {
            // the container's output matters more than the size cap: keep writing to the same file
            rotationBroken = true;
            org.slf4j.LoggerFactory.getLogger(CriLogFile.class).warn(
                    "Cannot rotate container log {} ({}); it grows past containerLogMaxSize", file, e.toString());
        } finally {
            openFile();
        }
    }

    /** Splits one stream's bytes into lines. */
    private final class LineStream extends OutputStream {
        private final String name;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineStream(String name) {
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (CriLogFile.this) {
                int start = off;
                int end = off + len;
                for (int i = off; i < end; i++) {
                    if (b[i] == '\n') {
                        emit(b, start, i - start, false);
                        start = i + 1;
                    }
                }
                if (start < end) {
                    pending.write(b, start, end - start);
                    while (pending.size() >= MAX_LINE) {
                        byte[] all = pending.toByteArray();
                        pending.reset();
                        record(name, true, all, MAX_LINE);
                        pending.write(all, MAX_LINE, all.length - MAX_LINE);
                    }
                }
                writeBatch();
            }
        }

        private void emit(byte[] b, int off, int len, boolean partial) throws IOException {
            byte[] line;
            if (pending.size() > 0) {
                pending.write(b, off, len);
                line = pending.toByteArray();
                pending.reset();
            } else {
                line = java.util.Arrays.copyOfRange(b, off, off + len);
            }
            int start = 0;
            while (line.length - start > MAX_LINE) {
                record(name, true, java.util.Arrays.copyOfRange(line, start, start + MAX_LINE), MAX_LINE);
                start += MAX_LINE;
            }
            record(name, partial, java.util.Arrays.copyOfRange(line, start, line.length), line.length - start);
        }

        void flushPartial() throws IOException {
            if (pending.size() > 0) {
                byte[] all = pending.toByteArray();
                pending.reset();
                record(name, false, all, all.length);
            }
        }

        @Override
        public void flush() throws IOException {
            writeBatch();
        }
    }
}
