package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.InvalidPodException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** spec.activeDeadlineSeconds through the pod workers, on the test's clock. */
class ActiveDeadlinesTest {

    private final ManualTimers timers = new ManualTimers();
    private final FakeLauncher launcher = new FakeLauncher();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<PodSnapshot> published = new CopyOnWriteArrayList<>();
    private final ContainerRuntime provider = new ContainerRuntime() {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", "test", "1");
        }

        @Override
        public io.krustlet.api.ContainerHandle start(io.krustlet.api.ContainerSpec spec,
                io.krustlet.api.ContainerOutput output) {
            throw new UnsupportedOperationException("the FakeLauncher starts containers");
        }
    };
    private final PodWorkers workers = new PodWorkers((pod, prior, publisher) -> new PodWorker(pod, "wasi", prior,
            new WorkerServices(timers, name -> Optional.of(provider), launcher, Runnable::run,
                    (p, container, warning, reason, message) -> events.add((warning ? "Warning " : "Normal ")
                            + reason + " " + message)),
            publisher));

    ActiveDeadlinesTest() {
        workers.addListener(new ActiveDeadlines(workers, timers));
        workers.addListener(new PodStatusListener() {
            @Override
            public void statusChanged(PodSnapshot pod) {
                published.add(pod);
            }

            @Override
            public void podRemoved(PodSnapshot pod) {
            }
        });
    }

    private static PodDefinition pod(Duration deadline, RestartPolicy policy) {
        return new PodDefinition("default", "looping", "uid-1", "api", null, policy, Duration.ofSeconds(3), List.of(),
                List.of(new ContainerDefinition("main", "fs/loop.wasm", null, List.of(), List.of(), Map.of(), null,
                        List.of(), ResourceLimits.NONE)),
                List.of(), Map.of(), Map.of(), null, "node1", List.of(), deadline);
    }

    private PodSnapshot last() {
        return published.get(published.size() - 1);
    }

    @Test
    void aPodActiveLongerThanItsDeadlineIsStoppedAndFailsWithTheKubeletsReasonAndMessage() {
        workers.add(pod(Duration.ofSeconds(5), RestartPolicy.Always));
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);

        timers.advance(Duration.ofMillis(4_900));
        assertThat(launcher.last("main").stopRequested).isNull();
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);

        timers.advance(Duration.ofMillis(100));
        assertThat(launcher.last("main").stopRequested).as("stopped within the pod's grace period")
                .isEqualTo(Duration.ofSeconds(3));
        launcher.last("main").exit(137, timers.now());

        PodStatus status = last().status();
        assertThat(status.phase()).isEqualTo(PodPhase.Failed);
        assertThat(status.reason()).isEqualTo("DeadlineExceeded");
        assertThat(status.message()).isEqualTo("Pod was active on the node longer than the specified deadline");
        assertThat(status.container("main").map(ContainerStatus::state)).get()
                .isInstanceOfSatisfying(ContainerState.Terminated.class, t -> assertThat(t.exitCode()).isEqualTo(137));
        assertThat(events).contains("Normal DeadlineExceeded Pod was active on the node longer than the specified"
                + " deadline");

        timers.advance(Duration.ofMinutes(10));
        assertThat(launcher.names()).as("not restarted, whatever its restart policy").containsExactly("main#0");
        assertThat(last().status().phase()).isEqualTo(PodPhase.Failed);
    }

    @Test
    void theDeadlineCountsFromTheStartTimeAnEarlierRunOfTheNodeReported() {
        Instant started = timers.now().minusSeconds(60);
        var prior = new PodStatus(PodPhase.Running, null, null, started, List.of(), List.of(),
                List.of(new ContainerStatus("main", "fs/loop.wasm", "sha256:main", new ContainerState.Running(started),
                        null, 0, true, true)));
        workers.add(pod(Duration.ofSeconds(30), RestartPolicy.Always), prior);
        timers.advance(Duration.ZERO);

        launcher.last("main").exit(137, timers.now());
        assertThat(last().status().reason()).isEqualTo("DeadlineExceeded");
        assertThat(last().status().startTime()).isEqualTo(started);
    }

    @Test
    void aPodThatFinishesInTimeStaysSucceeded() {
        workers.add(pod(Duration.ofSeconds(5), RestartPolicy.Never));
        timers.advance(Duration.ofSeconds(2));
        launcher.last("main").exit(0, timers.now());
        timers.advance(Duration.ofSeconds(10));

        assertThat(last().status().phase()).isEqualTo(PodPhase.Succeeded);
        assertThat(last().status().reason()).isNull();
        assertThat(events).noneMatch(e -> e.contains("DeadlineExceeded"));
    }

    @Test
    void aPodWithoutADeadlineRunsOn() {
        workers.add(pod(null, RestartPolicy.Always));
        timers.advance(Duration.ofDays(1));
        assertThat(last().status().phase()).isEqualTo(PodPhase.Running);
        assertThat(launcher.last("main").stopRequested).isNull();
    }

    @Test
    void theTranslatorTakesTheDeadlineAndRefusesOneTheApiServerWould() throws Exception {
        var translator = new PodTranslator("node1");
        java.util.function.Function<Long, io.fabric8.kubernetes.api.model.Pod> pod = deadline -> new PodBuilder()
                .withNewMetadata().withName("p").withNamespace("default").withUid("u").endMetadata()
                .withNewSpec().withActiveDeadlineSeconds(deadline)
                .addNewContainer().withName("main").withImage("fs/x.wasm").endContainer().endSpec().build();
        assertThat(translator.translate(pod.apply(5L), "api").activeDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(translator.translate(pod.apply(null), "api").activeDeadline()).isNull();
        assertThatThrownBy(() -> translator.translate(pod.apply(0L), "api")).isInstanceOf(InvalidPodException.class).hasMessage(
                        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive");
    }
}
