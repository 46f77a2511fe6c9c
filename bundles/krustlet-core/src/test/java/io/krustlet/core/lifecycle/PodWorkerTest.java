package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.LaunchException;
import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodWorkerTest {

    private final ManualTimers timers = new ManualTimers();
    private final FakeLauncher launcher = new FakeLauncher();
    private final List<PodSnapshot> published = new ArrayList<>();
    private ContainerRuntime provider = new NamedRuntime("first");

    private PodWorker worker(RestartPolicy policy, List<String> init, List<String> apps) {
        var pod = new PodDefinition("default", "p", "uid-1", "file", null, policy, Duration.ofSeconds(30),
                init.stream().map(PodWorkerTest::container).toList(), apps.stream().map(PodWorkerTest::container).toList(),
                List.of(), Map.of());
        return new PodWorker(pod, "wasi", null, new WorkerServices(timers, name -> Optional.ofNullable(provider), launcher,
                Runnable::run, PodEvents.NONE), published::add);
    }

    private static ContainerDefinition container(String name) {
        return new ContainerDefinition(name, "fs/" + name + ".wasm", null, List.of(), List.of(), Map.of(), null, List.of(),
                ResourceLimits.NONE);
    }

    private PodSnapshot last() {
        return published.get(published.size() - 1);
    }

    private ContainerStatus status(String container) {
        return last().status().container(container).orElseThrow();
    }

    @Test
    void initContainersRunOneAfterAnotherBeforeTheApps() {
        PodWorker w = worker(RestartPolicy.Never, List.of("init1", "init2"), List.of("app"));
        w.start();
        assertThat(launcher.names()).containsExactly("init1#0");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Pending);
        assertThat(((ContainerState.Waiting) status("app").state()).reason()).isEqualTo("PodInitializing");

        launcher.last("init1").exit(0, timers.now());
        assertThat(launcher.names()).containsExactly("init1#0", "init2#0");
        launcher.last("init2").exit(0, timers.now());
        assertThat(launcher.names()).containsExactly("init1#0", "init2#0", "app#0");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);
        assertThat(last().status().condition(PodCondition.INITIALIZED).orElseThrow().status()).isTrue();
        assertThat(last().status().condition(PodCondition.READY).orElseThrow().status()).isTrue();

        launcher.last("app").exit(0, timers.now());
        assertThat(last().status().phase()).isEqualTo(PodPhase.Succeeded);
        var terminated = (ContainerState.Terminated) status("app").state();
        assertThat(terminated.reason()).isEqualTo("Completed");
        assertThat(last().status().condition(PodCondition.READY).orElseThrow().reason()).isEqualTo("PodCompleted");
    }

    @Test
    void neverReportsTheRealExitCodeAndFails() {
        PodWorker w = worker(RestartPolicy.Never, List.of(), List.of("app"));
        w.start();
        launcher.last("app").exit(42, timers.now());
        assertThat(last().status().phase()).isEqualTo(PodPhase.Failed);
        var terminated = (ContainerState.Terminated) status("app").state();
        assertThat(terminated.exitCode()).isEqualTo(42);
        assertThat(terminated.reason()).isEqualTo("Error");
        assertThat(timers.pending()).isZero();
    }

    @Test
    void failedInitContainerWithNeverFailsThePodAndSkipsTheApps() {
        PodWorker w = worker(RestartPolicy.Never, List.of("init"), List.of("app"));
        w.start();
        launcher.last("init").exit(3, timers.now());
        assertThat(last().status().phase()).isEqualTo(PodPhase.Failed);
        assertThat(launcher.names()).containsExactly("init#0");
        assertThat(((ContainerState.Terminated) status("init").state()).exitCode()).isEqualTo(3);
    }

    @Test
    void failedInitContainerWithOnFailureIsRestartedAfterBackOff() {
        PodWorker w = worker(RestartPolicy.OnFailure, List.of("init"), List.of("app"));
        w.start();
        launcher.last("init").exit(1, timers.now());
        assertThat(((ContainerState.Waiting) status("init").state()).reason()).isEqualTo("CrashLoopBackOff");
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.names()).containsExactly("init#0", "init#1");
        launcher.last("init").exit(0, timers.now());
        assertThat(launcher.names()).containsExactly("init#0", "init#1", "app#0");
        assertThat(status("init").restartCount()).isEqualTo(1);
    }

    @Test
    void onFailureRestartsOnlyFailedContainers() {
        PodWorker w = worker(RestartPolicy.OnFailure, List.of(), List.of("app"));
        w.start();
        launcher.last("app").exit(2, timers.now());
        var waiting = (ContainerState.Waiting) status("app").state();
        assertThat(waiting.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(waiting.message()).startsWith("back-off 10s restarting failed container=app pod=p_default(uid-1)");
        assertThat(status("app").lastState().exitCode()).isEqualTo(2);
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);

        timers.advance(Duration.ofSeconds(9));
        assertThat(launcher.names()).containsExactly("app#0");
        timers.advance(Duration.ofSeconds(1));
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(status("app").restartCount()).isEqualTo(1);

        launcher.last("app").exit(0, timers.now());
        assertThat(last().status().phase()).isEqualTo(PodPhase.Succeeded);
        assertThat(timers.pending()).isZero();
    }

    @Test
    void alwaysRestartsWithTheKubeletBackOffSequence() {
        PodWorker w = worker(RestartPolicy.Always, List.of(), List.of("app"));
        w.start();
        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (int i = 0; i < expected.length; i++) {
            launcher.last("app").exit(0, timers.now());
            assertThat(last().status().phase()).isEqualTo(PodPhase.Running);
            timers.advance(Duration.ofSeconds(expected[i] - 1));
            assertThat(launcher.started).hasSize(i + 1);
            timers.advance(Duration.ofSeconds(1));
            assertThat(launcher.started).as("restart after %ss", expected[i]).hasSize(i + 2);
        }
        assertThat(status("app").restartCount()).isEqualTo(expected.length);
    }

    @Test
    void backOffStartsOverAfterTenMinutesOfGoodRunning() {
        PodWorker w = worker(RestartPolicy.Always, List.of(), List.of("app"));
        w.start();
        launcher.last("app").exit(1, timers.now());
        timers.advance(Duration.ofSeconds(10));
        launcher.last("app").exit(1, timers.now());
        timers.advance(Duration.ofSeconds(20));
        assertThat(launcher.started).hasSize(3);
        timers.advance(Duration.ofMinutes(10));
        launcher.last("app").exit(1, timers.now());
        assertThat(((ContainerState.Waiting) status("app").state()).message()).startsWith("back-off 10s");
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.started).hasSize(4);
    }

    @Test
    void stopStopsRunningContainersAndNeverRestartsThem() {
        PodWorker w = worker(RestartPolicy.Always, List.of(), List.of("a", "b"));
        w.start();
        var stopped = w.stop(Duration.ofSeconds(5)).toCompletableFuture();
        assertThat(launcher.last("a").stopRequested).isEqualTo(Duration.ofSeconds(5));
        assertThat(launcher.last("b").stopRequested).isEqualTo(Duration.ofSeconds(5));
        assertThat(stopped).isNotDone();
        launcher.last("a").exit(137, timers.now());
        assertThat(stopped).isNotDone();
        launcher.last("b").exit(137, timers.now());
        assertThat(stopped).isDone();
        timers.advance(Duration.ofMinutes(10));
        assertThat(launcher.started).hasSize(2);
        assertThat(((ContainerState.Terminated) status("a").state()).exitCode()).isEqualTo(137);
    }

    @Test
    void stopDuringBackOffCancelsTheRestart() {
        PodWorker w = worker(RestartPolicy.Always, List.of(), List.of("app"));
        w.start();
        launcher.last("app").exit(1, timers.now());
        assertThat(w.stop(Duration.ofSeconds(1)).toCompletableFuture()).isDone();
        timers.advance(Duration.ofMinutes(1));
        assertThat(launcher.started).hasSize(1);
    }

    @Test
    void waitsForItsRuntimeAndStartsWhenOneArrives() {
        provider = null;
        PodWorker w = worker(RestartPolicy.Never, List.of(), List.of("app"));
        w.start();
        var waiting = (ContainerState.Waiting) status("app").state();
        assertThat(waiting.reason()).isEqualTo("RuntimeUnavailable");
        assertThat(waiting.message()).contains("\"wasi\"");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Pending);
        assertThat(launcher.started).isEmpty();

        provider = new NamedRuntime("late");
        w.runtimeAdded("other");
        assertThat(launcher.started).isEmpty();
        w.runtimeAdded("wasi");
        assertThat(launcher.names()).containsExactly("app#0");
        assertThat(status("app").state()).isInstanceOf(ContainerState.Running.class);
    }

    /** A provider leaving with the default upgrade strategy (restart), as the registry announces it. */
    private static io.krustlet.core.runtime.Provider leaving(ContainerRuntime service) {
        return new io.krustlet.core.runtime.Provider("", null, 0, -1, io.krustlet.core.runtime.ProviderIdentity.unknown(-1),
                io.krustlet.core.runtime.UpgradeStrategy.RESTART, service);
    }

    @Test
    void aLeavingProviderRestartsItsContainersOnTheNextOneWhateverThePolicy() {
        PodWorker w = worker(RestartPolicy.Never, List.of(), List.of("app"));
        w.start();
        ContainerRuntime first = provider;
        provider = null;
        w.runtimeRemoving(leaving(first));
        assertThat(launcher.last("app").stopRequested).isNotNull();
        launcher.last("app").exit(137, timers.now());
        assertThat(((ContainerState.Waiting) status("app").state()).reason()).isEqualTo("RuntimeUnavailable");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);

        provider = new NamedRuntime("second");
        w.runtimeAdded("wasi");
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(launcher.last("app").runtime).isSameAs(provider);
        assertThat(status("app").restartCount()).isEqualTo(1);
        assertThat(status("app").lastState().exitCode()).isEqualTo(137);
    }

    @Test
    void aContainerThatCannotStartWaitsWithTheReasonAndIsRetried() {
        launcher.failures.put("app", new LaunchException("InvalidModule", "not a wasm module"));
        PodWorker w = worker(RestartPolicy.Never, List.of(), List.of("app"));
        w.start();
        var waiting = (ContainerState.Waiting) status("app").state();
        assertThat(waiting.reason()).isEqualTo("InvalidModule");
        assertThat(waiting.message()).isEqualTo("not a wasm module");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Pending);

        launcher.failures.clear();
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.names()).containsExactly("app#0");
        assertThat(status("app").restartCount()).isZero();
    }

    @Test
    void conditionsKeepTheirTransitionTimeWhileUnchanged() {
        PodWorker w = worker(RestartPolicy.Always, List.of(), List.of("app"));
        w.start();
        var readySince = last().status().condition(PodCondition.READY).orElseThrow().lastTransitionTime();
        timers.advance(Duration.ofMinutes(1));
        launcher.last("app").exit(1, timers.now());
        var notReady = last().status().condition(PodCondition.READY).orElseThrow();
        assertThat(notReady.status()).isFalse();
        assertThat(notReady.lastTransitionTime()).isAfter(readySince);
        assertThat(last().status().condition(PodCondition.POD_SCHEDULED).orElseThrow().lastTransitionTime())
                .isBefore(notReady.lastTransitionTime());
    }

    private record NamedRuntime(String name) implements ContainerRuntime {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", name, "0");
        }

        @Override
        public io.krustlet.api.ContainerHandle start(io.krustlet.api.ContainerSpec spec,
                io.krustlet.api.ContainerOutput output) {
            throw new UnsupportedOperationException("the fake launcher starts containers");
        }
    }
}
