package io.krustlet.core.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOneCriRecordPerLineAndStream() throws Exception {
        var logs = new ContainerLogs(dir, 0, 1);
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            log.stdout().write("hello\nwor".getBytes(StandardCharsets.UTF_8));
            log.stderr().write("oops\n".getBytes(StandardCharsets.UTF_8));
            log.stdout().write("ld\ntail".getBytes(StandardCharsets.UTF_8));
        }
        List<String> lines = Files.readAllLines(logs.file("ns", "p", "uid", "c", 0));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z stdout F hello");
        assertThat(lines.get(1)).endsWith(" stderr F oops");
        assertThat(lines.get(2)).endsWith(" stdout F world");
        assertThat(lines.get(3)).endsWith(" stdout F tail");
    }

    /** kubectl logs -f reads the file while the container runs: nothing may wait in a buffer. */
    @Test
    void theLinesOfAWriteAreInTheFileWhenTheWriteReturns() throws Exception {
        var logs = new ContainerLogs(dir, 0, 1);
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            log.stdout().write("one\ntwo\nthree".getBytes(StandardCharsets.UTF_8));
            List<String> lines = Files.readAllLines(logs.file("ns", "p", "uid", "c", 0));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).endsWith(" stdout F one");
            assertThat(lines.get(1)).endsWith(" stdout F two");
            assertThat(log.lastLine()).isEqualTo("two");
        }
        assertThat(Files.readAllLines(logs.file("ns", "p", "uid", "c", 0)).get(2))
                .as("the unfinished line, once the run ends").endsWith(" stdout F three");
    }

    @Test
    void splitsVeryLongLinesIntoPartialRecords() throws Exception {
        var logs = new ContainerLogs(dir, 0, 1);
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            log.stdout().write(("x".repeat(CriLogFile.MAX_LINE + 10) + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(log.lastLine()).isEqualTo("x".repeat(10));
        }
        List<String> lines = Files.readAllLines(logs.file("ns", "p", "uid", "c", 0));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains(" stdout P ");
        assertThat(lines.get(1)).endsWith(" stdout F xxxxxxxxxx");
    }

    @Test
    void rotatesAtTheSizeCapAndKeepsTheConfiguredNumberOfFiles() throws Exception {
        var logs = new ContainerLogs(dir, 1000, 3);
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            for (int i = 0; i < 100; i++) {
                log.stdout().write(("line " + i + " " + "y".repeat(40) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Path current = logs.file("ns", "p", "uid", "c", 0);
        assertThat(Files.size(current)).isLessThanOrEqualTo(1000);
        assertThat(current.resolveSibling("0.log.1")).exists();
        assertThat(current.resolveSibling("0.log.2")).exists();
        assertThat(current.resolveSibling("0.log.3")).doesNotExist();
        assertThat(Files.readString(current)).contains("line 99 ");
    }

    @Test
    void appendsWhenTheSameRunIsOpenedAgain() throws Exception {
        var logs = new ContainerLogs(dir, 0, 1);
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            log.stdout().write("first\n".getBytes(StandardCharsets.UTF_8));
        }
        try (CriLogFile log = logs.open("ns", "p", "uid", "c", 0)) {
            log.stdout().write("second\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.readAllLines(logs.file("ns", "p", "uid", "c", 0))).hasSize(2);
        assertThat(logs.existing("ns", "p", "uid", "c", 1)).isEmpty();
    }

    @Test
    void aCrashLoopKeepsOnlyTheCurrentAndThePreviousRunsLogs() throws Exception {
        var logs = new ContainerLogs(dir, 100, 3);
        for (int run = 0; run < 6; run++) {
            try (var log = logs.open("ns", "p", "uid", "c", run)) {
                for (int i = 0; i < 5; i++) {
                    log.stdout().write(("run " + run + " line " + i + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        try (var files = java.nio.file.Files.list(logs.containerDir("ns", "p", "uid", "c"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .allMatch(name -> name.startsWith("4.log") || name.startsWith("5.log"))
                    .contains("4.log", "5.log", "5.log.1");
        }
    }

    @Test
    void aLogThatCannotRotateKeepsTakingOutput() throws Exception {
        var logs = new ContainerLogs(dir, 60, 2);
        var log = logs.open("ns", "p", "uid", "c", 0);
        // a directory where the first rotated file must go: the move fails
        java.nio.file.Files.createDirectories(log.path().resolveSibling("0.log.1").resolve("blocker"));
        for (int i = 0; i < 10; i++) {
            log.stdout().write(("line " + i + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        log.close();
        assertThat(java.nio.file.Files.readString(log.path())).contains("line 0").contains("line 9");
    }
}
