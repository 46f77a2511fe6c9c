package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.krustlet.testmodules.TestModules;
import io.krustlet.wasi.ProviderRuns.Run;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The threads modules run on: virtual threads on Java 21+ (a sleeping module holds no platform
 * thread), platform threads on Java 17; and what each container is charged for CPU on them. The
 * build runs these on Java 17 and, when installed, on Java 25 (profile java25-tests).
 */
class ModuleThreadsTest {

    private final ProviderRuns runs = new ProviderRuns();

    /** The JDK's property, spelled out here so that the test does not take it from the code it tests. */
    private static final class ModuleThreadsProperty {
        static final String NAME = "jdk.virtualThreadScheduler.parallelism";
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private Run testmod(WasiRuntime runtime, String... args) throws Exception {
        return ProviderRuns.run(runtime, TestModules.testmod(), List.of(args), List.of());
    }

    private static long cpu(Run run) {
        return run.handle().usage().orElseThrow().cpuNanos();
    }

    /** The build's Java 25 run sets the scheduler's carriers, as bin/setenv does; its Java 17 run cannot. */
    @Test
    void modulesRunOnVirtualThreadsWhereTheJvmHasThemAndTheirSchedulerIsConfigured() throws Exception {
        boolean configured = Runtime.version().feature() >= 21 && System.getProperty(ModuleThreadsProperty.NAME) != null;
        assertThat(io.krustlet.wasm.ModuleThreads.virtualConfigured()).isEqualTo(configured);
        Run run = testmod(runs.runtime("compiler"), "sleep", "600000");
        assertThat(((WasiContainer) run.handle()).virtualThread()).isEqualTo(configured);
        run.handle().stop(Duration.ofSeconds(5));
        assertThat(run.await().exitCode()).isEqualTo(137);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aSleepingModuleIsChargedNoCpuTimeWhileItSleeps(String engine) throws Exception {
        Run run = testmod(runs.runtime(engine), "print", "asleep", "sleep", "600000");
        await().atMost(Duration.ofSeconds(30)).until(() -> run.out().contains("asleep"));
        long asleep = cpu(run);
        // a second of sleep: a few microseconds of clock readings at most, never the time asleep
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> cpu(run) - asleep < 5_000_000L);
        run.handle().stop(Duration.ofSeconds(5));
        assertThat(run.await().exitCode()).isEqualTo(137);
    }

    @Test
    void aComputingModuleIsChargedNoMoreThanTheTimeItRan() throws Exception {
        long started = System.nanoTime();
        Run run = testmod(runs.runtime("compiler"), "loop");
        await().atMost(Duration.ofSeconds(30)).until(() -> cpu(run) > 200_000_000L);
        long cpu = cpu(run);
        long wall = System.nanoTime() - started;
        assertThat(cpu).as("one thread's CPU time within %d ms", wall / 1_000_000).isLessThanOrEqualTo(wall);
        run.handle().stop(Duration.ofSeconds(5));
        assertThat(run.await().exitCode()).isEqualTo(137);
    }

    /**
     * A virtual thread keeps its carrier until it blocks: modules that compute must not keep the
     * others from running. The distribution gives the scheduler 256 carriers (bin/setenv), as the
     * build does for these tests; on Java 17 every module has its own thread anyway.
     */
    @Test
    void modulesThatComputeDoNotKeepASleepingModuleFromWaking() throws Exception {
        WasiRuntime runtime = runs.runtime("compiler");
        List<Run> busy = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 2; i++) {
            busy.add(testmod(runtime, "print", "busy", "loop"));
        }
        for (Run run : busy) {
            await().atMost(Duration.ofSeconds(30)).until(() -> run.out().contains("busy"));
        }
        Run sleeper = testmod(runtime, "sleep", "200", "print", "woke");
        assertThat(sleeper.await().exitCode()).isZero();
        assertThat(sleeper.out()).isEqualTo("woke\n");
        busy.forEach(run -> run.handle().stop(Duration.ofSeconds(5)));
        for (Run run : busy) {
            assertThat(run.await().exitCode()).isEqualTo(137);
        }
    }

    @Test
    void sleepingModulesHoldNoPlatformThreadOnVirtualThreads() throws Exception {
        assumeTrue(io.krustlet.wasm.ModuleThreads.virtualConfigured(), "virtual threads need Java 21+ and their carriers set");
        WasiRuntime runtime = runs.runtime("compiler");
        testmod(runtime, "exit", "0").await(); // the module is compiled, the runtime's threads exist
        var threads = ManagementFactory.getThreadMXBean(); // platform threads only
        int before = threads.getThreadCount();
        List<Run> sleeping = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sleeping.add(testmod(runtime, "print", "asleep", "sleep", "600000"));
        }
        for (Run run : sleeping) {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.out().contains("asleep"));
        }
        assertThat(threads.getThreadCount() - before).as("platform threads for 200 sleeping modules")
                .isLessThan(20);
        sleeping.forEach(run -> run.handle().stop(Duration.ofSeconds(5)));
        for (Run run : sleeping) {
            assertThat(run.await().exitCode()).isEqualTo(137);
        }
    }
}
