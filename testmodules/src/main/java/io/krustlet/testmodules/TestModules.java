package io.krustlet.testmodules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The test modules as files, copied once per JVM out of this jar. */
public final class TestModules {

    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();

    private TestModules() {
    }

    /** The sample module: prints "Hello from WebAssembly!" and its arguments. */
    public static Path hello() {
        return file("hello.wasm");
    }

    /** The flexible test module driven by its arguments (see testmod.c). */
    public static Path testmod() {
        return file("testmod.wasm");
    }

    /** WASI preview1 conformance and sandbox cases (see wasitest.c). */
    public static Path wasitest() {
        return file("wasitest.wasm");
    }

    /** An outbound HTTP client on wasi_experimental_http (see httpclient.c). */
    public static Path httpclient() {
        return file("httpclient.wasm");
    }

    /** Start-section modules (see startsection.wat): exit 7, trap, or print before _start. */
    public static Path startExit() {
        return file("start_exit.wasm");
    }

    public static Path startTrap() {
        return file("start_trap.wasm");
    }

    public static Path startThenMain() {
        return file("start_then_main.wasm");
    }

    /** Asks for 40,000 more pages of memory at once, past the runtime's 2 GiB; exit 3 when refused (grow_beyond.wat). */
    public static Path growBeyond() {
        return file("grow_beyond.wasm");
    }

    /** The SQLite shell, built from SQLite's own amalgamation for wasm32-wasi. */
    public static Path sqlite() {
        return file("sqlite3.wasm");
    }

    /** The WAGI test handler: echoes the request, or sleeps, traps, exits, misbehaves on request (see wagi.c). */
    public static Path wagi() {
        return file("wagi.wasm");
    }

    /** The smallest WAGI handler: answers "Hello from WAGI!" (see wagi-hello.c). */
    public static Path wagiHello() {
        return file("wagi-hello.wasm");
    }

    /**
     * The CPU benchmark programs of {@code just bench cpu} (src/main/c/cpu), by name: each takes
     * one argument, how much work to do, and prints one line with a digest of its results.
     */
    public static final java.util.List<String> CPU_PROGRAMS =
            java.util.List.of("sha256", "hmac", "aegis", "chacha", "lz", "sort", "x25519", "ed25519");

    /** One of {@link #CPU_PROGRAMS}. */
    public static Path cpu(String name) {
        if (!CPU_PROGRAMS.contains(name)) {
            throw new IllegalArgumentException("no CPU benchmark program " + name + " (there are " + CPU_PROGRAMS + ")");
        }
        return file("cpu/" + name + ".wasm");
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(String name) {
        return FILES.computeIfAbsent(name, TestModules::extract);
    }

    private static Path extract(String name) {
        try (InputStream in = TestModules.class.getResourceAsStream("/wasm/" + name)) {
            if (in == null) {
                throw new IllegalStateException("wasm/" + name + " was not built"
                        + (!name.equals("hello.wasm") && !name.startsWith("start_") ? ": install clang lld wasi-libc libclang-rt-14-dev-wasm32"
                        + " ('just deps') and rebuild testmodules" : ""));
            }
            Path dir = Files.createTempDirectory("krustlet-testmodules");
            Path file = dir.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
