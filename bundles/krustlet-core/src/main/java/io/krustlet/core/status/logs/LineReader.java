package io.krustlet.core.status.logs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the complete lines of a file that may still grow. A line without its newline yet stays
 * pending until the rest arrives: the writer may be in the middle of it.
 */
final class LineReader implements Closeable {

    interface LineSink {
        /** @return false to stop reading (the output is full) */
        boolean line(byte[] line) throws IOException;
    }

    private final FileChannel channel;
    private final Object fileKey;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    LineReader(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.fileKey = fileKey(file);
    }

    /** The file's identity (device and inode on Unix), to notice a rotation that renamed it. */
    static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code path} is still the file this reader reads. */
    boolean isStill(Path path) {
        Object now = fileKey(path);
        return now != null && now.equals(fileKey);
    }

    /**
     * Hands every complete line that is there now to the sink.
     *
     * @return the number of lines read, or -1 when the sink asked to stop
     */
    int readAvailable(LineSink sink) throws IOException {
        int lines = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n <= 0) {
                return lines;
            }
            byte[] bytes = buffer.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    byte[] line;
                    if (pending.size() > 0) {
                        pending.write(bytes, start, i - start);
                        line = pending.toByteArray();
                        pending.reset();
                    } else {
                        line = java.util.Arrays.copyOfRange(bytes, start, i);
                    }
                    start = i + 1;
                    lines++;
                    if (!sink.line(line)) {
                        return -1;
                    }
                }
            }
            pending.write(bytes, start, n - start);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
