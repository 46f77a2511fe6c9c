package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerExit;
import io.krustlet.testmodules.TestModules;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Start sections (issue 13 point 3): the wasm start function is the beginning of the program,
 * so what ends it is the container's exit, not a failure to start (which the kubelet would retry
 * whatever the restart policy).
 */
class StartSectionTest {

    private final ProviderRuns runs = new ProviderRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void procExitInTheStartSectionIsTheExitCode(String engine) throws Exception {
        var run = ProviderRuns.run(runs.runtime(engine), TestModules.startExit(), List.of(), List.of());
        ContainerExit exit = run.await();
        assertThat(exit.exitCode()).isEqualTo(7);
        assertThat(exit.reason()).isEqualTo("Error");
        assertThat(run.out()).isEqualTo("in the start section\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aTrapInTheStartSectionIsATrap(String engine) throws Exception {
        ContainerExit exit = ProviderRuns.run(runs.runtime(engine), TestModules.startTrap(), List.of(), List.of()).await();
        assertThat(exit.exitCode()).isEqualTo(134);
        assertThat(exit.message()).startsWith("wasm trap: ").containsIgnoringCase("divide by zero");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void theStartSectionRunsOnceBeforeStart(String engine) throws Exception {
        var run = ProviderRuns.run(runs.runtime(engine), TestModules.startThenMain(), List.of(), List.of());
        assertThat(run.await().exitCode()).isZero();
        assertThat(run.out()).isEqualTo("start ran\n");
    }
}
