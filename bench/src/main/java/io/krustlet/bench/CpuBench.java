package io.krustlet.bench;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testmodules.TestModules;
import io.krustlet.wasi.WasiRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code just bench cpu}: the CPU-bound C programs of testmodules/src/main/c/cpu, run as
 * containers by the wasi provider (compiler engine, through {@link WasiRuntime} as a pod's
 * container runs) and, when {@code node} is on the PATH, by Node.js's WASI (V8) on the same
 * files. Per program: the cold time (the first run on a fresh module cache: parse, split, compile,
 * JIT warm-up, run), the warm time (best and median of later runs), Node's best time, and the
 * ratios; then the geometric means. Each run's output must equal Node's (the programs print a
 * digest of what they computed) and every run must exit 0, or the part fails.
 */
final class CpuBench {

    /** A program and the argument that makes it run about a second under V8 on this machine. */
    private record Program(String name, int fullArgument, String unit) {
    }

    private static final List<Program> PROGRAMS = List.of(
            new Program("sha256", 192, "MiB hashed"),
            new Program("hmac", 400, "thousand HMAC-SHA-512 tags"),
            new Program("aegis", 96, "MiB sealed and opened (AEGIS-128L)"),
            new Program("chacha", 128, "MiB sealed and opened (ChaCha20-Poly1305)"),
            new Program("lz", 16, "MiB compressed and decompressed"),
            new Program("sort", 3, "rounds of 1M keys and 250k records"),
            new Program("x25519", 5, "thousand X25519 scalar multiplications"),
            new Program("ed25519", 60, "key pairs, signatures and verifications"));

    /** Warm runs, each followed by one under V8. */
    private static final int RUNS = BenchMode.count(5, 1);

    private CpuBench() {
    }

    static void run(Supplier<WasiRuntime> freshRuntime) throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String node = nodeVersion();
        System.out.printf("CPU-bound programs (C, clang -O2, wasm32-wasi) as containers of the wasi provider (compiler"
                + " engine), %s%n  JVM flags: %s; linear memory accessed through %s%n",
                node == null ? "node not found: no V8 figures" : "and under Node.js " + node + " WASI (V8) on the same files",
                jvmFlags(), io.krustlet.wasm.LimitedMemory.unsafeAccess() ? "sun.misc.Unsafe" : "VarHandles");
        System.out.printf("  %-8s %-44s %9s %9s %9s %9s %10s %10s%n", "program", "work", "cold", "warm", "warm med",
                "V8", "warm/V8", "cold/V8");
        List<Program> programs = PROGRAMS.stream().filter(p -> selected(p.name())).toList();
        // a node that has run pods before: the provider's own code (parser, splitter, compiler) is warm
        WasiRuntime warmup = freshRuntime.get();
        for (Program program : programs) {
            run(warmup, ref(TestModules.cpu(program.name())), program, 1, null);
        }
        List<Double> warmRatios = new ArrayList<>();
        List<Double> coldRatios = new ArrayList<>();
        for (Program program : programs) {
            int argument = BenchMode.count(program.fullArgument(), 1);
            ModuleRef ref = ref(TestModules.cpu(program.name()));
            Result cold = run(freshRuntime.get(), ref, program, argument, null);
            WasiRuntime runtime = freshRuntime.get();
            run(runtime, ref, program, argument, cold.output()); // loads the module: the warm runs reuse it
            // alternate the two engines, so that both see the same moments of this machine's load
            long[] warm = new long[RUNS];
            long v8 = Long.MAX_VALUE;
            for (int i = 0; i < RUNS; i++) {
                warm[i] = run(runtime, ref, program, argument, cold.output()).nanos();
                if (node != null) {
                    v8 = Math.min(v8, node(ref.file(), argument, cold.output()));
                }
            }
            Arrays.sort(warm);
            String work = argument + " " + program.unit();
            if (node != null) {
                warmRatios.add((double) warm[0] / v8);
                coldRatios.add((double) cold.nanos() / v8);
                System.out.printf("  %-8s %-44s %7.0fms %7.0fms %7.0fms %7.0fms %9.2fx %9.2fx%n", program.name(), work,
                        ms(cold.nanos()), ms(warm[0]), ms(warm[RUNS / 2]), ms(v8), (double) warm[0] / v8,
                        (double) cold.nanos() / v8);
            } else {
                System.out.printf("  %-8s %-44s %7.0fms %7.0fms %7.0fms%n", program.name(), work, ms(cold.nanos()),
                        ms(warm[0]), ms(warm[RUNS / 2]));
            }
        }
        if (!warmRatios.isEmpty()) {
            System.out.printf("  %-8s %-44s %9s %9s %9s %9s %9.2fx %9.2fx%n", "geomean", "(of the ratios)", "", "", "",
                    "", geomean(warmRatios), geomean(coldRatios));
        }
        System.out.printf("  warm: best (and median) of %d runs of the loaded module, start to exit; V8: best of %d, _start"
                + " only (node compiles the module before); cold: the first run of the module on a fresh module cache"
                + " (parse, split, compile, JIT), start to exit; load average %.1f before, %.1f after%n%n", RUNS, RUNS,
                loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private record Result(long nanos, String output) {
    }

    /** One container run, start to exit; checks it exits 0 and, when known, prints what it should. */
    private static Result run(WasiRuntime runtime, ModuleRef ref, Program program, int argument, String expected)
            throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        long started = System.nanoTime();
        ContainerHandle handle = runtime.start(new ContainerSpec(new ContainerId("bench", "cpu", "uid", program.name(), 0),
                ref, List.of(program.name(), String.valueOf(argument)), Map.of(), List.of(), null, ResourceLimits.NONE),
                new ContainerOutput(out, err));
        ContainerExit exit = handle.exit().toCompletableFuture().get(30, TimeUnit.MINUTES);
        long nanos = System.nanoTime() - started;
        String output = out.toString(StandardCharsets.UTF_8);
        if (exit.exitCode() != 0) {
            throw new IllegalStateException(program.name() + " exited " + exit + ": " + err.toString(StandardCharsets.UTF_8));
        }
        if (expected != null && !expected.equals(output)) {
            throw new IllegalStateException(program.name() + " printed " + output + " once and " + expected + " before");
        }
        return new Result(nanos, output);
    }

    /** The programs to run: all, or those named in the system property krustlet.bench.cpu.programs. */
    private static boolean selected(String name) {
        String only = System.getProperty("krustlet.bench.cpu.programs", "");
        return only.isBlank() || List.of(only.split(",")).contains(name);
    }

    /** One run under Node's WASI: the time of _start, in ns; checks it prints what the provider printed. */
    private static long node(Path module, int argument, String expected) throws Exception {
        String script = System.getProperty("krustlet.bench.node.script");
        Process p = new ProcessBuilder("node", "--no-warnings", script, module.toString(), String.valueOf(argument))
                .start();
        byte[] stdout = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.MINUTES);
        Matcher m = Pattern.compile("node-wasi-ms ([0-9.]+) exit 0").matcher(err);
        if (!m.find()) {
            throw new IllegalStateException("node failed on " + module.getFileName() + ": " + err.strip());
        }
        String output = new String(stdout, StandardCharsets.UTF_8);
        if (!output.equals(expected)) {
            throw new IllegalStateException(module.getFileName() + " printed " + output + " under V8 but " + expected
                    + " in the provider");
        }
        return (long) (Double.parseDouble(m.group(1)) * 1e6);
    }

    private static double geomean(List<Double> ratios) {
        return Math.exp(ratios.stream().mapToDouble(Math::log).average().orElse(0));
    }

    /** The JVM options this JVM runs with that concern the JIT (-XX), as the distribution's bin/setenv sets them. */
    private static String jvmFlags() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:")).toList();
        return flags.isEmpty() ? "(none)" : String.join(" ", flags);
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && System.getProperty("krustlet.bench.node.script") != null
                    ? version : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static ModuleRef ref(Path module) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(module));
        return new ModuleRef("fs/" + module.getFileName(), module, "sha256:" + HexFormat.of().formatHex(digest));
    }
}
