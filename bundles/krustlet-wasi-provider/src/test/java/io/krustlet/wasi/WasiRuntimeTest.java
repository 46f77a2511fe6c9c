package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.Mount;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testmodules.TestModules;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WasiRuntimeTest {

    @TempDir
    Path tmp;

    private final List<WasiRuntime> runtimes = new ArrayList<>();

    private WasiRuntime runtime(String engine) {
        var runtime = new WasiRuntime(new WasiConfig() {
            public Class<? extends Annotation> annotationType() { return WasiConfig.class; }
            public String engine() { return engine; }
            public int maxCachedModules() { return 8; }
        });
        runtimes.add(runtime);
        return runtime;
    }

    @AfterEach
    void deactivate() {
        runtimes.forEach(WasiRuntime::deactivate);
    }

    /** Output captured by a run. */
    private record Run(ContainerHandle handle, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr) {
        ContainerExit await() throws Exception {
            return handle.exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }

        String out() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    private static ModuleRef module(Path file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        return new ModuleRef("fs/" + file.getFileName(), file, "sha256:" + HexFormat.of().formatHex(digest));
    }

    private Run run(WasiRuntime runtime, Path file, List<String> args, Map<String, String> env, List<Mount> mounts,
            ResourceLimits limits) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add("main");
        argv.addAll(args);
        var spec = new ContainerSpec(new ContainerId("ns", "pod", "uid", "main", 0), module(file), argv, env, mounts,
                null, limits);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        return new Run(runtime.start(spec, new ContainerOutput(out, err)), out, err);
    }

    private Run testmod(WasiRuntime runtime, String... args) throws Exception {
        return run(runtime, TestModules.testmod(), List.of(args), Map.of(), List.of(), ResourceLimits.NONE);
    }

    @Test
    void aRunningModuleReportsItsCpuTimeAndLinearMemoryAndNothingOnceItExited() throws Exception {
        Run run = testmod(runtime("compiler"), "alloc", "8", "print", "allocated", "loop");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> run.out().contains("allocated"));
        var first = run.handle().usage().orElseThrow();
        assertThat(first.memoryBytes()).as("8 MiB allocated in linear memory").isGreaterThanOrEqualTo(8L << 20);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> run.handle().usage().orElseThrow().cpuNanos() > first.cpuNanos());
        assertThat(run.handle().usage().orElseThrow().time()).isAfterOrEqualTo(first.time());
        run.handle().stop(java.time.Duration.ofSeconds(5));
        run.await();
        assertThat(run.handle().usage()).isEmpty();
    }

    @Test
    void helloPrintsItsArguments() throws Exception {
        Run run = run(runtime("compiler"), TestModules.hello(), List.of("from", "Krustlet"), Map.of(), List.of(),
                ResourceLimits.NONE);
        assertThat(run.await().exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Hello from WebAssembly! args: from Krustlet\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void argvEnvAndTheTwoStreamsReachTheModule(String engine) throws Exception {
        var env = new LinkedHashMap<String, String>();
        env.put("GREETING", "hello world");
        env.put("EMPTY", "");
        Run run = run(runtime(engine), TestModules.testmod(),
                List.of("args", "env", "GREETING", "env", "MISSING", "eprint", "to stderr", "print", "done"), env,
                List.of(), ResourceLimits.NONE);
        ContainerExit exit = run.await();
        assertThat(exit.exitCode()).isZero();
        assertThat(exit.reason()).isEqualTo("Completed");
        assertThat(run.out()).startsWith("argv[0]=main\nargv[1]=args\n")
                .contains("GREETING=hello world\n", "MISSING unset\n").endsWith("done\n");
        assertThat(run.err()).isEqualTo("to stderr\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 42, 255})
    void reportsTheModulesOwnExitCode(int code) throws Exception {
        Run run = testmod(runtime("compiler"), "print", "bye", "exit", String.valueOf(code), "print", "not reached");
        ContainerExit exit = run.await();
        assertThat(exit.exitCode()).isEqualTo(code);
        assertThat(exit.reason()).isEqualTo(code == 0 ? "Completed" : "Error");
        assertThat(run.out()).isEqualTo("bye\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aTrapIsAFailureWithTheTrapMessage(String engine) throws Exception {
        ContainerExit exit = testmod(runtime(engine), "trap").await();
        assertThat(exit.exitCode()).isEqualTo(134);
        assertThat(exit.reason()).isEqualTo("Error");
        assertThat(exit.message()).startsWith("wasm trap: ").containsIgnoringCase("unreachable");
    }

    @Test
    void bytesThatAreNotWasmFailToStartWithAClearReason() throws Exception {
        Path bad = tmp.resolve("bad.wasm");
        Files.writeString(bad, "definitely not a module");
        assertThatThrownBy(() -> run(runtime("compiler"), bad, List.of(), Map.of(), List.of(), ResourceLimits.NONE))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("fs/bad.wasm is not a valid WebAssembly module")
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("InvalidModule");
    }

    @Test
    void aModuleWithoutStartIsNotACommand() throws Exception {
        Path lib = tmp.resolve("lib.wasm");
        Files.write(lib, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        assertThatThrownBy(() -> run(runtime("compiler"), lib, List.of(), Map.of(), List.of(), ResourceLimits.NONE))
                .isInstanceOf(ContainerStartException.class).hasMessageContaining("exports no _start");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void stopEndsALoopingModuleWellWithinTheGracePeriod(String engine) throws Exception {
        Run run = testmod(runtime(engine), "print", "looping", "loop");
        long started = System.nanoTime();
        run.handle().stop(Duration.ofSeconds(30));
        ContainerExit exit = run.handle().exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.message()).isEqualTo("stopped by the kubelet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void stopAlsoEndsASleepingModule(String engine) throws Exception {
        Run run = testmod(runtime(engine), "sleep", "600000");
        run.handle().stop(Duration.ofSeconds(30));
        ContainerExit exit = run.handle().exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(exit).extracting(ContainerExit::exitCode, ContainerExit::reason, ContainerExit::message)
                .containsExactly(137, "Error", "stopped by the kubelet");
    }

    @Test
    void theMemoryLimitCapsLinearMemoryAndAModuleThatDiesOfItIsOomKilled() throws Exception {
        var limits = new ResourceLimits(32L << 20, 0);
        WasiRuntime runtime = runtime("compiler");
        Run small = run(runtime, TestModules.testmod(), List.of("alloc", "8"), Map.of(), List.of(), limits);
        assertThat(small.await()).extracting(ContainerExit::exitCode, ContainerExit::reason).containsExactly(0, "Completed");
        Run big = run(runtime, TestModules.testmod(), List.of("alloc", "64"), Map.of(), List.of(), limits);
        ContainerExit exit = big.await();
        assertThat(big.err()).contains("alloc failed");
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.reason()).isEqualTo("OOMKilled");
        assertThat(exit.message()).startsWith("memory limit of 32 MiB reached").endsWith("exited with code 3");
        Run unlimited = run(runtime, TestModules.testmod(), List.of("alloc", "64"), Map.of(), List.of(),
                ResourceLimits.NONE);
        assertThat(unlimited.await().exitCode()).isZero();
    }

    @Test
    void aModuleRefusedMoreThanTheRuntimesTwoGibibytesIsToldSoInItsExitNotOomKilled() throws Exception {
        // 3 GiB allowed by the limit, as wasm32 allows 4: the runtime's own 2 GiB refuses the grow
        var limits = new ResourceLimits(3L << 30, 0);
        Run run = run(runtime("compiler"), TestModules.growBeyond(), List.of(), Map.of(), List.of(), limits);
        ContainerExit exit = run.await();
        assertThat(exit).extracting(ContainerExit::exitCode, ContainerExit::reason).containsExactly(3, "Error");
        assertThat(exit.message()).contains("more than the 2 GiB (32767 pages of 64 KiB) this runtime supports")
                .endsWith("exited with code 3");
    }

    @Test
    void aLimitUnderOneKibibyteIsSaidInBytes() {
        var limits = new ResourceLimits(1000, 0);
        assertThatThrownBy(() -> run(runtime("compiler"), TestModules.testmod(), List.of(), Map.of(), List.of(), limits))
                .isInstanceOf(ContainerStartException.class).hasMessageContaining("more than its limit of 1000 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aModuleThatCopesWithARefusedGrowIsNotOomKilled(String engine) throws Exception {
        var limits = new ResourceLimits(32L << 20, 0);
        Run run = run(runtime(engine), TestModules.testmod(), List.of("try-alloc", "64", "print", "survived"), Map.of(),
                List.of(), limits);
        assertThat(run.await()).extracting(ContainerExit::exitCode, ContainerExit::reason).containsExactly(0, "Completed");
        assertThat(run.out()).isEqualTo("alloc refused\nsurvived\n");
    }

    @Test
    void aLimitBelowTheModulesInitialMemoryIsAStartError() {
        var limits = new ResourceLimits(64 * 1024, 0);
        assertThatThrownBy(() -> run(runtime("compiler"), TestModules.testmod(), List.of(), Map.of(), List.of(), limits))
                .isInstanceOf(ContainerStartException.class).hasMessageContaining("more than its limit");
    }

    @Test
    void mountsArePreopenedForReadingAndWriting() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("in.txt"), "from the host");
        Run run = run(runtime("compiler"), TestModules.testmod(),
                List.of("read", "/data/in.txt", "write", "/data/out.txt", "from the module", "ls", "/data"), Map.of(),
                List.of(new Mount("/data", data, false)), ResourceLimits.NONE);
        assertThat(run.await().exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("from the host" + "in.txt\nout.txt\n");
        assertThat(Files.readString(data.resolve("out.txt"))).isEqualTo("from the module");
    }

    /**
     * A configMap volume as the kubelet writes it: the files in a timestamped directory, {@code ..data}
     * a symlink to it, and each key a symlink into {@code ..data}.
     */
    private Path configMapVolume() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("cfg"));
        Path stamped = Files.createDirectories(volume.resolve("..2024_01_01_00_00_00.000000001"));
        Files.writeString(stamped.resolve("key"), "value");
        Files.createDirectories(stamped.resolve("nested/empty"));
        Files.writeString(stamped.resolve("nested/inner"), "deep");
        Files.createSymbolicLink(volume.resolve("..data"), volume.relativize(stamped));
        Files.createSymbolicLink(volume.resolve("key"), Path.of("..data/key"));
        Files.createSymbolicLink(volume.resolve("nested"), Path.of("..data/nested"));
        return volume;
    }

    /** Every entry beneath a directory with its content or link target and its modification time. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        var entries = new TreeMap<String, String>();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String content = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.readString(p);
                entries.put(dir.relativize(p).toString(), content + " @"
                        + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
            }
        }
        return entries;
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aReadOnlyMountIsReadAndListedThroughTheSymlinksOfAConfigMap(String engine) throws Exception {
        Path volume = configMapVolume();
        Run run = run(runtime(engine), TestModules.testmod(),
                List.of("read", "/cfg/key", "print", "", "assert-file", "/cfg/nested/inner", "deep",
                        "read", "/cfg/..data/nested/inner", "print", "", "ls", "/cfg", "ls", "/cfg/nested"),
                Map.of(), List.of(new Mount("/cfg", volume, true)), ResourceLimits.NONE);
        assertThat(run.await().exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("value\n" + "deep\n"
                + "..2024_01_01_00_00_00.000000001\n..data\nkey\nnested\n" + "empty\ninner\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "write /cfg/key changed       | open /cfg/key",
        "write /cfg/new.txt created   | open /cfg/new.txt",
        "append /cfg/key more         | open /cfg/key",
        "rm /cfg/key                  | remove /cfg/key",
        "rm /cfg/..data/key           | remove /cfg/..data/key",
        "mv /cfg/key /cfg/moved       | rename /cfg/key",
        "mkdir /cfg/dir               | create directory /cfg/dir",
        "rmdir /cfg/nested/empty      | remove directory /cfg/nested/empty",
        "symlink key /cfg/link        | create symlink /cfg/link",
        "touch /cfg/key               | touch /cfg/key",
    })
    void aReadOnlyMountRefusesEveryChangeWithEROFS(String command, String failure) throws Exception {
        Path volume = configMapVolume();
        Map<String, String> before = snapshot(volume);
        for (String engine : List.of("compiler", "interpreter")) {
            Run run = run(runtime(engine), TestModules.testmod(),
                    List.of((command.trim() + " print not-reached").split(" +")), Map.of(),
                    List.of(new Mount("/cfg", volume, true)), ResourceLimits.NONE);
            assertThat(run.await().exitCode()).as(engine + ": " + run.err()).isEqualTo(1);
            assertThat(run.err()).as(engine).isEqualTo("testmod: cannot " + failure + ": Read-only file system\n");
            assertThat(run.out()).as(engine).isEmpty();
        }
        assertThat(snapshot(volume)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aReadWriteMountNextToAReadOnlyOneStaysWritable(String engine) throws Exception {
        Path volume = configMapVolume();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("old.txt"), "old");
        Run run = run(runtime(engine), TestModules.testmod(),
                List.of("write", "/data/copy.txt", "from the module", "mkdir", "/data/dir", "write",
                        "/data/dir/new.txt", "new", "touch", "/data/copy.txt", "rm", "/data/old.txt", "read",
                        "/cfg/key", "write", "/cfg/key", "changed"),
                Map.of(), List.of(new Mount("/cfg", volume, true), new Mount("/data", data, false)),
                ResourceLimits.NONE);
        assertThat(run.await().exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("testmod: cannot open /cfg/key: Read-only file system\n");
        assertThat(run.out()).isEqualTo("value");
        assertThat(Files.readString(data.resolve("copy.txt"))).isEqualTo("from the module");
        assertThat(Files.readString(data.resolve("dir/new.txt"))).isEqualTo("new");
        assertThat(data.resolve("old.txt")).doesNotExist();
        assertThat(Files.readString(volume.resolve("key"))).isEqualTo("value");
    }

    /**
     * Symlinks leading out of a mount are escape attempts, refused with EPERM as wasmtime does
     * (cap-std); the links themselves are still listed, as readdir lists them on Linux.
     */
    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void symlinksDoNotLeadOutOfAReadOnlyMount(String engine) throws Exception {
        Path volume = configMapVolume();
        Path secret = Files.writeString(tmp.resolve("secret"), "node secret");
        Files.createSymbolicLink(volume.resolve("absolute"), secret);
        Files.createSymbolicLink(volume.resolve("relative"), Path.of("../secret"));
        Files.createSymbolicLink(volume.resolve("up"), Path.of(".."));
        WasiRuntime runtime = runtime(engine);
        for (String path : List.of("/cfg/absolute", "/cfg/relative", "/cfg/up/secret")) {
            Run run = run(runtime, TestModules.testmod(), List.of("read", path), Map.of(),
                    List.of(new Mount("/cfg", volume, true)), ResourceLimits.NONE);
            assertThat(run.await().exitCode()).as(path).isEqualTo(1);
            assertThat(run.err()).isEqualTo("testmod: cannot open " + path + ": Operation not permitted\n");
            assertThat(run.out()).isEmpty();
        }
        Run ls = run(runtime, TestModules.testmod(), List.of("ls", "/cfg"), Map.of(),
                List.of(new Mount("/cfg", volume, true)), ResourceLimits.NONE);
        assertThat(ls.await().exitCode()).as(ls.err()).isZero();
        assertThat(ls.out()).isEqualTo(
                "..2024_01_01_00_00_00.000000001\n..data\nabsolute\nkey\nnested\nrelative\nup\n");
    }

    @Test
    void aModuleIsLoadedOnceForManyContainers() throws Exception {
        WasiRuntime runtime = runtime("compiler");
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(testmod(runtime, "fib", "10"));
        }
        for (Run run : runs) {
            assertThat(run.await().exitCode()).isZero();
            assertThat(run.out()).isEqualTo("fib(10)=55\n");
        }
        assertThat(runtime.moduleLoads()).isEqualTo(1);
        run(runtime, TestModules.hello(), List.of(), Map.of(), List.of(), ResourceLimits.NONE).await();
        assertThat(runtime.moduleLoads()).isEqualTo(2);
    }

    @Test
    void deactivationStopsRunningContainers() throws Exception {
        WasiRuntime runtime = runtime("compiler");
        Run run = testmod(runtime, "loop");
        assertThat(runtime.runningContainers()).isEqualTo(1);
        runtime.deactivate();
        assertThat(run.handle().exit().toCompletableFuture()).isDone();
        assertThat(run.await().exitCode()).isEqualTo(137);
        assertThat(runtime.runningContainers()).isZero();
    }

    @Test
    void anUnknownEngineIsAClearConfigurationError() {
        assertThatThrownBy(() -> runtime("jit")).hasMessage("engine=jit is not one of: compiler, interpreter");
    }

    @Test
    void anUnknownImportIsAnInvalidModule() throws Exception {
        // (module (import "env" "nope" (func)) (func (export "_start")))
        byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0,
            1, 4, 1, 0x60, 0, 0,
            2, 12, 1, 3, 'e', 'n', 'v', 4, 'n', 'o', 'p', 'e', 0, 0,
            3, 2, 1, 0,
            7, 10, 1, 6, '_', 's', 't', 'a', 'r', 't', 0, 1,
            10, 4, 1, 2, 0, 0x0b};
        Path file = Files.write(tmp.resolve("imports.wasm"), wasm);
        assertThatThrownBy(() -> run(runtime("compiler"), file, List.of(), Map.of(), List.of(), ResourceLimits.NONE))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("fs/imports.wasm cannot be instantiated")
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("InvalidModule");
    }

    @Test
    void concurrentFirstStartsOfOneModuleLoadItOnce() throws Exception {
        WasiRuntime runtime = runtime("compiler");
        int starts = 6;
        var ready = new CountDownLatch(starts);
        var pool = Executors.newFixedThreadPool(starts);
        try {
            List<Future<Run>> runs = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                runs.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return testmod(runtime, "fib", "15");
                }));
            }
            for (Future<Run> run : runs) {
                Run r = run.get(60, TimeUnit.SECONDS);
                assertThat(r.await().exitCode()).isZero();
                assertThat(r.out()).isEqualTo("fib(15)=610\n");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(runtime.moduleLoads()).isEqualTo(1);
        assertThat(runtime.modules().hits()).isEqualTo(starts - 1);
    }

    @Test
    void eachContainerRunsOnItsOwnNamedThread() throws Exception {
        Run run = testmod(runtime("compiler"), "loop");
        assertThat(((WasiContainer) run.handle()).threadName()).isEqualTo("wasi-ns/pod/main#0");
        run.handle().stop(Duration.ofSeconds(5));
        assertThat(run.await().exitCode()).isEqualTo(137);
    }

    @Test
    void stopIsHarmlessAfterTheExitAndWhenRepeated() throws Exception {
        Run run = testmod(runtime("compiler"), "print", "quick");
        ContainerExit exit = run.await();
        run.handle().stop(Duration.ZERO);
        run.handle().stop(Duration.ofSeconds(1));
        assertThat(run.await()).isSameAs(exit);
        assertThat(exit.exitCode()).isZero();
    }

    @Test
    void aModuleThatIgnoresItsStopIsAbandonedAndCutOffFromItsOutput() throws Exception {
        Run run = testmod(runtime("compiler"), "lines", "100000000");
        var container = (WasiContainer) run.handle();
        container.abandon(Duration.ofMillis(1));
        ContainerExit exit = run.await();
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.message()).contains("abandoned");
        int size = run.stdout().size();
        assertThat(container.awaitThreadEnd(Duration.ofSeconds(10))).as("the abandoned thread ends").isTrue();
        assertThat(run.stdout().size()).as("no output after the reported exit").isEqualTo(size);
    }

    @Test
    void manyLinesOfOutputArriveComplete() throws Exception {
        Run run = testmod(runtime("compiler"), "lines", "20000");
        assertThat(run.await().exitCode()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(20000);
        assertThat(lines[19999]).isEqualTo("line 20000");
    }

    @Test
    void aDeactivatedRuntimeLeavesNoThreadAndRefusesNewContainers() throws Exception {
        WasiRuntime runtime = runtime("interpreter");
        Run looping = testmod(runtime, "loop");
        Run sleeping = testmod(runtime, "sleep", "600000");
        var containers = List.of((WasiContainer) looping.handle(), (WasiContainer) sleeping.handle());
        runtime.deactivate();
        assertThat(looping.handle().exit().toCompletableFuture()).isDone();
        assertThat(sleeping.handle().exit().toCompletableFuture()).isDone();
        assertThat(looping.await().message()).isEqualTo("stopped by the kubelet");
        for (WasiContainer container : containers) {
            assertThat(container.awaitThreadEnd(Duration.ofSeconds(10))).as("thread %s ended", container.threadName())
                    .isTrue();
        }
        assertThatThrownBy(() -> testmod(runtime, "print", "late")).isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("shutting down");
    }

    @Test
    void infoNamesTheEngineAndItsVersion() {
        var info = runtime("compiler").info();
        assertThat(info.runtime()).isEqualTo("wasi");
        assertThat(info.arch()).isEqualTo("wasm32-wasi");
        assertThat(info.containerRuntimeVersion()).isEqualTo("chicory://1.7.5");
    }
}
