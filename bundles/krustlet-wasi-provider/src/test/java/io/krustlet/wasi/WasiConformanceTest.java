package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.Mount;
import io.krustlet.testmodules.TestModules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * WASI preview1 conformance, issue 13 point 1: each case of {@code wasitest.c} runs in a
 * container of the real provider, on both engines, against a fresh scratch mount. The cases
 * follow POSIX and the WebAssembly/wasi-testsuite expectations (see wasitest.c for each check).
 */
class WasiConformanceTest {

    @TempDir
    Path tmp;

    private final ProviderRuns runs = new ProviderRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    private ProviderRuns.Run wasitest(String engine, String testCase) throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve(engine + "-" + testCase));
        return ProviderRuns.run(runs.runtime(engine), TestModules.wasitest(), List.of(testCase),
                List.of(new Mount("/scratch", scratch, false)));
    }

    @ParameterizedTest(name = "{0} on the {1}")
    @CsvSource({
        // path_rename over existing files, directories with trailing slashes, POSIX errors, libc rename()
        "path-rename, compiler", "path-rename, interpreter",
        // path_open with O_APPEND | O_TRUNC truncates, then appends
        "append-trunc, compiler", "append-trunc, interpreter",
        // a file opened O_APPEND with read rights reads ("a+"), appends after a seek, and append can be turned off
        "append-read, compiler", "append-read, interpreter",
        // path_link onto a dangling symlink is EEXIST; hard links and their link counts
        "link-dangling, compiler", "link-dangling, interpreter",
        // path_symlink to name/ that does not exist is ENOENT; absolute targets EPERM; readlink
        "symlink-slash, compiler", "symlink-slash, interpreter",
        // path_filestat_set_times without SYMLINK_FOLLOW changes the link, with it the target
        "settimes-nofollow, compiler", "settimes-nofollow, interpreter",
        // fd_fdstat_set_rights drops rights (then ENOTCAPABLE), never adds them
        "set-rights, compiler", "set-rights, interpreter",
        // fd_readdir cookies across calls over 1000 files, libc readdir
        "readdir-cookies, compiler", "readdir-cookies, interpreter",
        // poll_oneoff with clocks and descriptors together, absolute deadlines, bad descriptors
        "poll, compiler", "poll, interpreter",
        // clock_res_get and clock_time_get for every clock
        "clocks, compiler", "clocks, interpreter",
        "random, compiler", "random, interpreter",
        "advise-allocate, compiler", "advise-allocate, interpreter",
        "sched-yield, compiler", "sched-yield, interpreter",
        "renumber, compiler", "renumber, interpreter",
        // stdin is empty (end of file) and a character device
        "stdin-empty, compiler", "stdin-empty, interpreter",
        // directory descriptors, interesting paths, nofollow, loops, prestat, EFAULT for bad pointers
        "misc, compiler", "misc, interpreter",
    })
    void wasiTestCasePasses(String testCase, String engine) throws Exception {
        ProviderRuns.Run run = wasitest(engine, testCase);
        ContainerExit exit = run.await();
        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(exit.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("ok " + testCase + "\n");
    }

    @ParameterizedTest
    @CsvSource({"compiler", "interpreter"})
    void procRaiseEndsTheModuleAsTheSignalWould(String engine) throws Exception {
        ProviderRuns.Run run = wasitest(engine, "raise");
        ContainerExit exit = run.await();
        assertThat(run.out()).isEqualTo("raising SIGTERM\n");
        assertThat(exit).extracting(ContainerExit::exitCode, ContainerExit::reason, ContainerExit::message)
                .containsExactly(143, "Error", "terminated by signal SIGTERM (proc_raise)");
    }

    /** A module's bad calls are answered with an errno, never with a line in the node's log. */
    @ParameterizedTest
    @CsvSource({"compiler", "interpreter"})
    void badCallsWriteNothingToTheNodesLog(String engine) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        ProviderRuns.Run run;
        try {
            // set-rights makes 2000 refused calls; misc a dozen more of every kind
            run = wasitest(engine, "set-rights");
            assertThat(run.await().exitCode()).isZero();
            run = wasitest(engine, "misc");
            assertThat(run.await().exitCode()).isZero();
        } finally {
            System.setErr(original);
        }
        assertThat(log.toString()).doesNotContain("WARN").doesNotContain("ERROR").doesNotContain("fd_fdstat_set_rights");
    }
}
