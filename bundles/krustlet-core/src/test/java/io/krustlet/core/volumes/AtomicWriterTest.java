package io.krustlet.core.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {

    @TempDir
    Path dir;


    private AtomicWriter writer(Path target) {
        return new AtomicWriter(target, Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC));
    }

    private static FileProjection file(String content, int mode) {
        return new FileProjection(content.getBytes(StandardCharsets.UTF_8), mode);
    }

    private List<String> entries(Path target) throws Exception {
        try (Stream<Path> list = Files.list(target)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void laysOutATimestampedVersionBehindDataAndUserVisibleLinks() throws Exception {
        Path target = dir.resolve("vol");
        assertThat(writer(target).write(Map.of("a.txt", file("A", 0640), "sub/b.txt", file("B", 0400)))).isTrue();

        Path data = target.resolve("..data");
        assertThat(Files.isSymbolicLink(data)).isTrue();
        String version = Files.readSymbolicLink(data).toString();
        assertThat(version).startsWith("..2026_03_04_05_06_07.");
        assertThat(Files.readSymbolicLink(target.resolve("a.txt"))).isEqualTo(Path.of("..data/a.txt"));
        assertThat(Files.readSymbolicLink(target.resolve("sub"))).isEqualTo(Path.of("..data/sub"));
        assertThat(Files.readString(target.resolve("sub/b.txt"))).isEqualTo("B");
        assertThat(entries(target)).containsExactly(version, "..data", "a.txt", "sub");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("a.txt"))))
                .isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("sub/b.txt"))))
                .isEqualTo("r--------");
    }

    @Test
    void anUpdateSwapsVersionsAndDropsRemovedFiles() throws Exception {
        Path target = dir.resolve("vol");
        writer(target).write(Map.of("a.txt", file("A", 0644), "old.txt", file("O", 0644)));
        String first = Files.readSymbolicLink(target.resolve("..data")).toString();

        assertThat(writer(target).write(Map.of("a.txt", file("A", 0644), "old.txt", file("O", 0644))))
                .as("same content: nothing written").isFalse();
        assertThat(Files.readSymbolicLink(target.resolve("..data")).toString()).isEqualTo(first);

        assertThat(writer(target).write(Map.of("a.txt", file("A2", 0644), "new.txt", file("N", 0644)))).isTrue();
        String second = Files.readSymbolicLink(target.resolve("..data")).toString();
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("A2");
        assertThat(entries(target)).containsExactly(second, "..data", "a.txt", "new.txt");
    }

    @Test
    void aReaderNeverSeesAHalfWrittenFile() throws Exception {
        Path target = dir.resolve("vol");
        int size = 64 * 1024;
        writer(target).write(Map.of("f", file("0".repeat(size), 0644)));
        var writes = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 1; i < 100; i++) {
                try {
                    writer(target).write(Map.of("f", file(String.valueOf(i % 10).repeat(size), 0644)));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        int reads = 0;
        while (!writes.isDone() || reads == 0) {
            String content;
            try {
                content = Files.readString(target.resolve("f"));
            } catch (java.nio.file.NoSuchFileException e) {
                // the link was followed into a version deleted a moment later: a retry, never a torn read
                continue;
            }
            assertThat(content).hasSize(size);
            assertThat(content.chars().distinct().count()).isEqualTo(1);
            reads++;
        }
        writes.join();
    }

    @Test
    void refusesPathsThatLeaveTheVolume() {
        Path target = dir.resolve("vol");
        assertThatThrownBy(() -> writer(target).write(Map.of("../x", file("X", 0644)))).hasMessageContaining("../x");
        assertThatThrownBy(() -> writer(target).write(Map.of("/etc/x", file("X", 0644)))).hasMessageContaining("/etc/x");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }

    @Test
    void deletingATreeRemovesLinksNotWhatTheyPointTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path tree = Files.createDirectories(dir.resolve("tree/inner"));
        Files.createSymbolicLink(tree.resolve("link"), outside);
        AtomicWriter.deleteTree(dir.resolve("tree"));
        assertThat(Files.exists(dir.resolve("tree"))).isFalse();
        assertThat(Files.readString(outside.resolve("keep.txt"))).isEqualTo("keep");
    }
}
