package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.Mount;
import io.krustlet.testmodules.TestModules;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No way out of a mount (issue 13 point 2). The host lays out, next to the mounted directory,
 * a directory {@code outside} holding {@code secret}; inside the mount it plants symlinks of
 * every kind pointing there. Whatever the module does through them, it gets EPERM (wasmtime's
 * answer to an escape attempt) or ELOOP, never the secret, and nothing outside changes. Every
 * case runs on both engines, on a read-write and on a read-only mount.
 */
class WasiSandboxTest {

    @TempDir
    Path tmp;

    private final ProviderRuns runs = new ProviderRuns();
    private Path data;
    private Path outside;

    @BeforeEach
    void layOut() throws Exception {
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "node secret");
        data = Files.createDirectories(tmp.resolve("volume/data"));
        Files.writeString(data.resolve("inside.txt"), "inside");
        Files.createDirectories(data.resolve("sub/deeper"));
        Files.createSymbolicLink(data.resolve("absolute"), outside.resolve("secret"));
        Files.createSymbolicLink(data.resolve("absolute-dir"), outside);
        Files.createSymbolicLink(data.resolve("relative"), Path.of("../../outside/secret"));
        Files.createSymbolicLink(data.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(data.resolve("sub/deeper/up2"), Path.of("../../.."));
        Files.createSymbolicLink(data.resolve("chain1"), Path.of("chain2"));
        Files.createSymbolicLink(data.resolve("chain2"), Path.of("sub/chain3"));
        Files.createSymbolicLink(data.resolve("sub/chain3"), Path.of("../relative"));
        Files.createSymbolicLink(data.resolve("good1"), Path.of("sub/good2"));
        Files.createSymbolicLink(data.resolve("sub/good2"), Path.of("../inside.txt"));
        Files.createSymbolicLink(data.resolve("loop"), Path.of("loop"));
        Files.createLink(data.resolve("hardlink.txt"), data.resolve("inside.txt"));
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private String wasitest(String engine, boolean readOnly, String... args) throws Exception {
        var run = ProviderRuns.run(runs.runtime(engine), TestModules.wasitest(), List.of(args),
                List.of(new Mount("/data", data, readOnly)));
        assertThat(run.await().exitCode()).as(run.err()).isZero();
        return run.out();
    }

    @ParameterizedTest(name = "{0}, read-only {1}")
    @CsvSource({"compiler, false", "interpreter, false", "compiler, true", "interpreter, true"})
    void readingThroughSymlinksStaysInsideTheMount(String engine, boolean readOnly) throws Exception {
        String out = wasitest(engine, readOnly,
                "read", "/data/absolute", // absolute symlink
                "read", "/data/absolute-dir/secret",
                "read", "/data/relative", // relative symlink climbing out
                "read", "/data/up/outside/secret", // symlink to the parent directory
                "read", "/data/sub/deeper/up2/outside/secret",
                "read", "/data/chain1", // a chain of symlinks whose last one climbs out
                "read", "/data/../outside/secret", // plain .. above the mount
                "read", "/data/loop",
                "read", "/data/good1", // a chain inside the mount is fine
                "read", "/data/hardlink.txt"); // hard links are plain files
        assertThat(out).doesNotContain("node secret").isEqualTo(String.join("\n",
                "error: Operation not permitted", "error: Operation not permitted", "error: Operation not permitted",
                "error: Operation not permitted", "error: Operation not permitted", "error: Operation not permitted",
                "error: Operation not permitted", "error: Symbolic link loop", "inside", "inside", ""));
    }

    @ParameterizedTest(name = "{0}, read-only {1}")
    @CsvSource({"compiler, false", "interpreter, false", "compiler, true", "interpreter, true"})
    void changesThroughSymlinksStayInsideTheMount(String engine, boolean readOnly) throws Exception {
        List<String> before = outsideListing();
        String out = wasitest(engine, readOnly,
                "write", "/data/absolute", "overwritten",
                "write", "/data/absolute-dir/new", "created",
                "write", "/data/up/outside/new", "created",
                "mkdir", "/data/up/outside/dir",
                "symlink", "x", "/data/absolute-dir/link",
                "rename", "/data/inside.txt", "/data/up/outside/moved",
                "unlink", "/data/relative/..",
                "symlink", "/etc/passwd", "/data/abs-link",
                "write", "/data/new.txt", "fine");
        String refused = readOnly ? "Read-only file system" : "Operation not permitted";
        assertThat(out).isEqualTo(String.join("\n",
                "write /data/absolute error: Operation not permitted",
                "write /data/absolute-dir/new error: Operation not permitted",
                "write /data/up/outside/new error: Operation not permitted",
                "mkdir /data/up/outside/dir error: Operation not permitted",
                "symlink /data/absolute-dir/link error: Operation not permitted",
                "rename /data/inside.txt error: Operation not permitted",
                "unlink /data/relative/.. error: Operation not permitted",
                "symlink /data/abs-link error: Operation not permitted",
                "write /data/new.txt " + (readOnly ? "error: " + refused : "ok"), ""));
        assertThat(outsideListing()).isEqualTo(before);
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("node secret");
        assertThat(Files.readString(data.resolve("inside.txt"))).isEqualTo("inside");
    }

    /**
     * Between the check and the use: a host thread swaps {@code /data/swap} between a real
     * directory and a symlink to the outside directory, thousands of times, while the module
     * reads {@code /data/swap/secret} and writes {@code /data/swap/written} on each turn. Every
     * look-up goes through an O_NOFOLLOW descriptor, so the module sees the inside file, ENOENT,
     * EPERM or ELOOP, and the outside directory is never read or written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aSymlinkSwappedInBetweenCheckAndUseIsNeverFollowed(String engine) throws Exception {
        Path swap = data.resolve("swap");
        Path real = data.resolve("real");
        Files.createDirectories(real);
        Files.writeString(real.resolve("secret"), "inside secret");
        Path link = data.resolve("link");
        Files.createSymbolicLink(link, outside);
        Files.move(real, swap);
        List<String> before = outsideListing();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread swapper = new Thread(() -> {
            Path parked = data.resolve("parked");
            while (!done.get()) {
                try {
                    // swap -> symlink to outside, then back to the real directory
                    Files.move(swap, parked, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, swap, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(parked, swap, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                } catch (Exception e) {
                    // a move raced with the module's own write: try again
                }
            }
        }, "swapper");
        swapper.start();
        String out;
        try {
            var run = ProviderRuns.run(runs.runtime(engine), TestModules.wasitest(),
                    List.of("hammer", "/data/swap/secret", "3000"), List.of(new Mount("/data", data, false)));
            run.await();
            out = run.out();
        } finally {
            done.set(true);
            swapper.join();
        }
        assertThat(swaps.get()).as("the swapper ran").isGreaterThan(10);
        assertThat(out).contains("inside secret").doesNotContain("node secret");
        assertThat(outsideListing()).as("nothing written outside").isEqualTo(before);
    }

    private List<String> outsideListing() throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(outside)) {
            walk.forEach(p -> names.add(outside.relativize(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        }
        names.sort(null);
        return names;
    }
}
