package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ModuleRef;
import io.krustlet.testmodules.TestModules;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who frees an instance's linear memory, and when: the run, on its own thread, once the module
 * can run no more; {@code close()} for an instance that never ran; and a closed instance never
 * runs (its memory may be unmapped).
 */
class WasiInstanceMemoryTest {

    private final ModuleCache cache = new ModuleCache(Engine.COMPILER, 1);

    @Test
    void theRunFreesTheMemoryWhenTheModuleEnds() throws Exception {
        WasiInstance instance = WasiInstance.prepare(hello(), config(new ByteArrayOutputStream()), Clock.systemUTC());
        assertThat(instance.memories()).hasSize(1).noneMatch(LimitedMemory::released);
        assertThat(instance.run(() -> false).exitCode()).isZero();
        assertThat(instance.memories()).allMatch(LimitedMemory::released);
        assertThat(instance.memoryBytes()).as("the size last seen stays for usage reports").isEqualTo(2 * 65536);
    }

    @Test
    void closingAnInstanceThatNeverRanFreesItsMemoryAndItThenDoesNotRun() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WasiInstance instance = WasiInstance.prepare(hello(), config(out), Clock.systemUTC());
        instance.close();
        assertThat(instance.memories()).allMatch(LimitedMemory::released);
        ContainerExit exit = instance.run(() -> false);
        assertThat(exit.exitCode()).isEqualTo(ExitMapper.TRAP_EXIT_CODE);
        assertThat(exit.message()).contains("closed before it ran");
        assertThat(out.size()).as("the module wrote nothing: it did not run").isZero();
    }

    @Test
    void anInstanceRunsOnce() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WasiInstance instance = WasiInstance.prepare(hello(), config(out), Clock.systemUTC());
        assertThat(instance.run(() -> false).exitCode()).isZero();
        int written = out.size();
        assertThat(instance.run(() -> false).exitCode()).isEqualTo(ExitMapper.TRAP_EXIT_CODE);
        assertThat(out.size()).isEqualTo(written);
    }

    private CompiledModule hello() throws Exception {
        return cache.get(new ModuleRef("fs/hello.wasm", TestModules.hello(), "sha256:hello"));
    }

    private static WasiInstance.Config config(ByteArrayOutputStream out) {
        return new WasiInstance.Config("fs/hello.wasm", List.of("hello"), Map.of(), List.of(), 0, null, out,
                new ByteArrayOutputStream());
    }
}
