package io.krustlet.testprovider;

import static io.krustlet.testprovider.TestRuntimeContractTest.MODULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testkit.CapturedOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the test runtime does beyond the provider contract: its script, its stop and kill, its revision. */
class TestRuntimeTest {

    private final TestRuntime runtime = new TestRuntime("2.3.4.upgrade", "restart");
    private final List<ContainerHandle> started = new ArrayList<>();

    @AfterEach
    void deactivate() {
        runtime.deactivate();
    }

    private record Run(ContainerHandle handle, CapturedOutput output) {
        ContainerExit exit() throws Exception {
            return handle.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static ContainerSpec spec(ResourceLimits limits, String... script) {
        List<String> argv = new ArrayList<>(List.of("main"));
        argv.addAll(List.of(script));
        return new ContainerSpec(new ContainerId("ns", "pod", "uid", "main", 0), MODULE, argv, Map.of(), List.of(), null,
                limits);
    }

    private Run run(String... script) throws Exception {
        return run(ResourceLimits.NONE, script);
    }

    private Run run(ResourceLimits limits, String... script) throws Exception {
        var output = new CapturedOutput();
        ContainerHandle handle = runtime.start(spec(limits, script), output.output());
        started.add(handle);
        return new Run(handle, output);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jump                    | unknown step 'jump' at argv[1]; steps: print TEXT",
        "print                   | 'print' at argv[1] needs an argument",
        "run print late          | nothing runs after 'run': argv[2]=print",
        "exit 0 print late       | nothing runs after 'exit': argv[3]=print",
        "exit 256                | 'exit 256' at argv[2]: an exit code is 0-255",
        "sleep -1                | 'sleep -1' at argv[2]: milliseconds must not be negative",
        "sleep soon              | 'sleep soon' at argv[2]: not a number in range",
        "alloc 2Gi               | 'alloc 2Gi' at argv[2]: at most 1Gi at a time",
        "alloc 12Pi              | 'alloc 12Pi' at argv[2]: not a number in range"})
    void aScriptThatDoesNotParseIsAnInvalidModuleNamingTheWordAtFault(String script, String message) {
        assertThatThrownBy(() -> run(script.split(" ")))
                .isInstanceOfSatisfying(ContainerStartException.class,
                        e -> assertThat(e.reason()).isEqualTo(ContainerStartException.INVALID_MODULE))
                .hasMessageStartingWith("test script: " + message);
        assertThat(runtime.runningContainers()).isZero();
    }

    @Test
    void anEmptyScriptExitsZero() throws Exception {
        assertThat(run().exit()).extracting(ContainerExit::exitCode, ContainerExit::reason).containsExactly(0, "Completed");
    }

    @Test
    void theRevisionShowsInInfoAndInTheVersionStep() throws Exception {
        assertThat(runtime.info().containerRuntimeVersion()).isEqualTo("script://2.3.4.upgrade");
        assertThat(runtime.info().runtime()).isEqualTo("test");
        assertThat(runtime.info().arch()).isEqualTo("wasm32-wasi");
        Run run = run("version");
        run.exit();
        assertThat(run.output().stdout()).isEqualTo("test provider 2.3.4.upgrade\n");
    }

    @Test
    void stepsRunInOrderAndSleepTakesItsTime() throws Exception {
        long started = System.nanoTime();
        Run run = run("print", "one", "sleep", "200", "eprint", "two", "exit", "3");
        ContainerExit exit = run.exit();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(exit).extracting(ContainerExit::exitCode, ContainerExit::reason).containsExactly(3, "Error");
        assertThat(run.output().stdout()).isEqualTo("one\n");
        assertThat(run.output().stderr()).isEqualTo("two\n");
    }

    @Test
    void aStopEndsASleepingOrRunningContainerAtOnceWithSigtermsCode() throws Exception {
        Run sleeping = run("sleep", "600000", "print", "not reached");
        Run running = run("run");
        sleeping.handle().stop(Duration.ofMinutes(5));
        running.handle().stop(Duration.ofMinutes(5));
        for (Run run : List.of(sleeping, running)) {
            assertThat(run.exit()).extracting(ContainerExit::exitCode, ContainerExit::reason, ContainerExit::message)
                    .containsExactly(143, "Error", "terminated: stopped by the kubelet");
        }
        assertThat(sleeping.output().stdout()).isEmpty();
    }

    @Test
    void aContainerThatIgnoresItsStopIsKilledWhenTheGracePeriodIsOverAndNotBefore() throws Exception {
        Run run = run("print", "trapping", "ignore-stop");
        await().atMost(Duration.ofSeconds(30)).until(() -> run.output().stdout().equals("trapping\n"));
        long asked = System.nanoTime();
        run.handle().stop(Duration.ofMillis(300));
        ContainerExit exit = run.exit();
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(exit).extracting(ContainerExit::exitCode, ContainerExit::reason, ContainerExit::message)
                .containsExactly(137, "Error", "killed: its grace period of 300 ms was over");
    }

    @Test
    void aSecondStopWithAShorterGracePeriodKillsSooner() throws Exception {
        Run run = run("ignore-stop");
        run.handle().stop(Duration.ofMinutes(10));
        run.handle().stop(Duration.ZERO);
        assertThat(run.handle().exit().toCompletableFuture().get(10, TimeUnit.SECONDS).message())
                .isEqualTo("killed: its grace period of 0 ms was over");
    }

    @Test
    void allocHoldsMemoryThatUsageReportsAndTheLimitCaps() throws Exception {
        Run holding = run("alloc", "2Mi", "run");
        await().atMost(Duration.ofSeconds(30)).until(() -> holding.handle().usage()
                .filter(u -> u.memoryBytes() == ScriptContainer.BASE_MEMORY + (2 << 20)).isPresent());
        Run over = run(new ResourceLimits(4L << 20, 0), "alloc", "3Mi", "alloc", "1Mi", "print", "not reached");
        assertThat(over.exit()).extracting(ContainerExit::exitCode, ContainerExit::reason, ContainerExit::message)
                .containsExactly(137, "OOMKilled", "memory limit of 4194304 bytes reached: 3211264 held, 1048576 more asked for");
        assertThat(over.output().stdout()).isEmpty();
    }

    @Test
    void aDeactivatedRuntimeKillsItsContainersAndRefusesNewOnes() throws Exception {
        Run ignoring = run("ignore-stop");
        runtime.deactivate();
        assertThat(ignoring.handle().exit().toCompletableFuture()).isCompleted();
        assertThat(ignoring.exit().exitCode()).isEqualTo(137);
        assertThat(runtime.runningContainers()).isZero();
        assertThatThrownBy(() -> run("print", "late")).isInstanceOfSatisfying(ContainerStartException.class,
                e -> assertThat(e.reason()).isEqualTo("CreateContainerError")).hasMessageContaining("shutting down");
    }

    @Test
    void withCarryOverADeactivatedRuntimeLeavesItsContainersToTheKubeletButRefusesNewOnes() throws Exception {
        var carrying = new TestRuntime("2.3.4.carry", "carry-over");
        var output = new CapturedOutput();
        ContainerHandle running = carrying.start(spec(ResourceLimits.NONE, "run"), output.output());
        carrying.deactivate();
        assertThat(running.exit().toCompletableFuture()).isNotDone();
        assertThatThrownBy(() -> carrying.start(spec(ResourceLimits.NONE, "run"), output.output()))
                .isInstanceOf(ContainerStartException.class);
        running.stop(Duration.ofSeconds(5));
        assertThat(running.exit().toCompletableFuture().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(143);
    }
}
