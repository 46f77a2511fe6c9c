package io.krustlet.wasi;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.testkit.ContainerRuntimeContract;
import io.krustlet.testmodules.TestModules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The provider contract, for the WASI runtime, with the C test module (testmod.c) as the
 * container. A WASI module has no signal to trap, so it cannot ignore its stop: that check is skipped.
 */
class WasiRuntimeContractTest extends ContainerRuntimeContract {

    private static final ModuleRef TESTMOD = module(TestModules.testmod());

    @Override
    protected ContainerRuntime newRuntime() {
        return new WasiRuntime(new WasiConfig() {
            public Class<? extends Annotation> annotationType() { return WasiConfig.class; }
            public String engine() { return "compiler"; }
            public int maxCachedModules() { return 4; }
        });
    }

    @Override
    protected void deactivate(ContainerRuntime runtime) {
        ((WasiRuntime) runtime).deactivate();
    }

    @Override
    protected ContainerSpec exitWith(int code) {
        return spec(TESTMOD, "exit", String.valueOf(code));
    }

    @Override
    protected ContainerSpec print(String stdoutLine, String stderrLine) {
        return spec(TESTMOD, "print", stdoutLine, "eprint", stderrLine);
    }

    /** A sleep rather than a busy loop: a stop interrupts both, and this one leaves the CPU to the build. */
    @Override
    protected ContainerSpec runUntilStopped() {
        return spec(TESTMOD, "sleep", "3600000");
    }

    @Override
    protected ContainerSpec unstartable() {
        try {
            Path file = Files.createTempFile("not-wasm", ".wasm");
            file.toFile().deleteOnExit();
            Files.writeString(file, "not a WebAssembly module");
            return spec(module(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean enforcesMemoryLimits() {
        return true;
    }

    /** testmod's {@code alloc N} grows linear memory by N MiB and exits 0. */
    @Override
    protected ContainerSpec allocate(long bytes) {
        return spec(TESTMOD, "alloc", String.valueOf(bytes >> 20));
    }

    @Override
    protected boolean measuresUsage() {
        return true;
    }

    private static ModuleRef module(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return new ModuleRef("fs/" + file.getFileName(), file, "sha256:" + HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
