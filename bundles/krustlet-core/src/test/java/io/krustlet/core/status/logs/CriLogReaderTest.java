package io.krustlet.core.status.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.core.logs.ContainerLogs;
import io.krustlet.core.logs.CriLogFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the core's writer writes, its one reader gives back: the container's own lines. */
class CriLogReaderTest {

    @TempDir
    Path dir;

    private static final FollowControl ONCE = new FollowControl() {
        @Override
        public boolean containerRunning() {
            return false;
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void await() {
        }
    };

    private Path write(String... lines) throws Exception {
        CriLogFile log = new ContainerLogs(dir, 1 << 20, 2).open("default", "p", "uid", "main", 0);
        for (String line : lines) {
            log.stdout().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        log.close();
        return log.path();
    }

    private static String read(Path file, ReadOptions options) throws Exception {
        var out = new ByteArrayOutputStream();
        CriLogReader.stream(file, options, out, ONCE);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLineLongerThanOneRecordComesBackWholeAndTailCountsLines() throws Exception {
        String longLine = "x".repeat(40_000); // three partial records in the file
        Path file = write("first", longLine, "last");
        assertThat(Files.readAllLines(file)).as("the file holds partial records").hasSizeGreaterThan(3);

        assertThat(read(file, ReadOptions.ALL)).isEqualTo("first\n" + longLine + "\nlast\n");
        assertThat(read(file, new ReadOptions(false, 2, false, null, null))).isEqualTo(longLine + "\nlast\n");
    }

    @Test
    void timestampsAreTheKubeletsAndTheLimitCutsTheOutput() throws Exception {
        Path file = write("hello world", "second");
        List<String> stamped = read(file, new ReadOptions(false, null, true, null, null)).lines().toList();
        assertThat(stamped).hasSize(2);
        assertThat(stamped.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z hello world");
        assertThat(read(file, new ReadOptions(false, null, false, null, 5L))).isEqualTo("hello");
    }
}
