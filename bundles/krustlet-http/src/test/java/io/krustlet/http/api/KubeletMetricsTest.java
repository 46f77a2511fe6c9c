package io.krustlet.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.Reasons;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The counters of {@code /metrics}, fed the core's status events directly. */
class KubeletMetricsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final KubeletMetrics metrics = new KubeletMetrics(new NoPods(), Clock.fixed(T0.plusSeconds(2), ZoneOffset.UTC));

    private static PodSnapshot pod(String uid, ContainerState state, int restarts) {
        var main = new ContainerStatus("main", "fs/x.wasm", "sha256:x", state, null, restarts, false, true);
        return new PodSnapshot("default", "p-" + uid, uid, "api", "wasi", Map.of(),
                new PodStatus(PodPhase.Running, null, null, T0, List.of(), List.of(), List.of(main)));
    }

    @Test
    void eachRunAndEachErrorIsCountedOnceHoweverOftenItsStatusIsSeen() {
        var running = new ContainerState.Running(T0);
        metrics.statusChanged(pod("a", running, 0));
        metrics.statusChanged(pod("a", running, 0));
        metrics.statusChanged(pod("a", new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, "back-off"), 1));
        metrics.statusChanged(pod("a", new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, "back-off"), 1));
        metrics.statusChanged(pod("a", running, 1));

        assertThat(metrics.text(0)).contains("\nkubelet_started_pods_total 1\n")
                .contains("\nkubelet_started_containers_total{container_type=\"container\"} 2\n")
                .contains("\nkrustlet_container_errors_total{reason=\"CrashLoopBackOff\"} 1\n");
    }

    @Test
    void aRemovedPodIsForgottenButWhatItCountedStays() {
        for (int i = 0; i < 1000; i++) {
            metrics.statusChanged(pod("uid-" + i, new ContainerState.Running(T0), 0));
        }
        for (int i = 0; i < 1000; i++) {
            metrics.podRemoved(pod("uid-" + i, new ContainerState.Running(T0), 0));
        }
        assertThat(metrics.text(0)).contains("\nkubelet_started_containers_total{container_type=\"container\"} 1000\n");
        // a uid seen again after its removal is a new pod to the counters, as before
        metrics.statusChanged(pod("uid-0", new ContainerState.Running(T0), 0));
        assertThat(metrics.text(0)).contains("\nkubelet_started_pods_total 1001\n")
                .contains("\nkubelet_started_containers_total{container_type=\"container\"} 1001\n");
    }

    private static final class NoPods implements KubeletPods {
        public String nodeName() {
            return "node1";
        }

        public List<PodSnapshot> pods() {
            return List.of();
        }

        public Optional<PodSnapshot> pod(String namespace, String name) {
            return Optional.empty();
        }

        public Optional<Path> logFile(String namespace, String pod, String container, boolean previous) {
            return Optional.empty();
        }

        public void addListener(PodStatusListener listener) {
        }

        public void removeListener(PodStatusListener listener) {
        }
    }
}
