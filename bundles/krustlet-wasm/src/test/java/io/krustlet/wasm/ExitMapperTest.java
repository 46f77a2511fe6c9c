package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasi.WasiExitException;
import io.krustlet.api.ContainerExit;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExitMapperTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theModulesOwnExitCodeIsKeptEvenWhenWrapped() {
        assertThat(ExitMapper.of(new RuntimeException(new WasiExitException(42)), false, AT))
                .isEqualTo(new ContainerExit(42, "Error", "", AT));
        assertThat(ExitMapper.of(new WasiExitException(0), false, AT).reason()).isEqualTo("Completed");
        assertThat(ExitMapper.of(new WasiExitException(7), true, AT).exitCode()).as("exit beats a late stop").isEqualTo(7);
    }

    @Test
    void aTrapIsAnAbortWithItsMessage() {
        assertThat(ExitMapper.of(new TrapException("Trapped on unreachable instruction"), false, AT))
                .isEqualTo(new ContainerExit(134, "Error", "wasm trap: Trapped on unreachable instruction", AT));
    }

    @Test
    void anInterruptAfterAStopIsAKill() {
        assertThat(ExitMapper.of(new ChicoryInterruptedException("Thread interrupted"), true, AT))
                .isEqualTo(new ContainerExit(137, "Error", "stopped by the kubelet", AT));
    }

    @Test
    void jvmErrorsEndTheContainerWithAClearMessage() {
        assertThat(ExitMapper.of(new StackOverflowError(), false, AT).message()).isEqualTo("wasm trap: call stack exhausted");
        ContainerExit oom = ExitMapper.of(new OutOfMemoryError("Java heap space"), false, AT);
        assertThat(oom.exitCode()).isEqualTo(137);
        assertThat(oom.reason()).isEqualTo("OOMKilled");
        assertThat(ExitMapper.of(new NoClassDefFoundError("x/Y"), false, AT).message())
                .startsWith("the WASI runtime failed: java.lang.NoClassDefFoundError");
    }

    @Test
    void oomKilledKeepsTheModulesOwnEndingInTheMessage() {
        ContainerExit exit = ExitMapper.oomKilled(new ContainerExit(3, "Error", "", AT), 32L << 20, 96L << 20);
        assertThat(exit).isEqualTo(new ContainerExit(137, "OOMKilled",
                "memory limit of 32 MiB reached (the module asked for 96 MiB); then it exited with code 3", AT));
    }
}
