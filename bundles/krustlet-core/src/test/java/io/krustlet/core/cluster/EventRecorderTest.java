package io.krustlet.core.cluster;

import io.krustlet.testapiserver.MockApiServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.krustlet.api.ResourceLimits;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.testkit.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

    private final MockApiServer api = MockApiServer.start();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final EventRecorder recorder = new EventRecorder(api.client(), "node1", Runnable::run, clock);
    private final PodDefinition pod = new PodDefinition("default", "p", "uid-1", "api", null, RestartPolicy.Always,
            Duration.ofSeconds(30), List.of(new ContainerDefinition("setup", "fs/a.wasm", null, List.of(), List.of(),
                    Map.of(), null, List.of(), ResourceLimits.NONE)),
            List.of(new ContainerDefinition("main", "fs/a.wasm", null, List.of(), List.of(), Map.of(), null, List.of(),
                    ResourceLimits.NONE)), List.of(), Map.of());

    @AfterEach
    void stop() {
        api.close();
    }

    private List<Event> events() {
        return api.client().v1().events().inNamespace("default").list().getItems();
    }

    @Test
    void pointsAtThePodAndTheContainersFieldPath() {
        recorder.normal(pod, "main", "Started", "Started container main");
        recorder.warning(pod, "setup", "BackOff", "Back-off restarting failed container setup");
        recorder.warning(pod, null, "FailedMount", "MountVolume.SetUp failed");

        assertThat(events()).extracting(e -> e.getType() + " " + e.getReason() + " " + e.getInvolvedObject().getFieldPath())
                .containsExactlyInAnyOrder("Normal Started spec.containers{main}",
                        "Warning BackOff spec.initContainers{setup}", "Warning FailedMount null");
        assertThat(events()).allSatisfy(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
            assertThat(e.getSource().getHost()).isEqualTo("node1");
            assertThat(e.getCount()).isEqualTo(1);
        });
    }

    @Test
    void aRepeatedEventCountsUpInsteadOfPilingUp() {
        recorder.warning(pod, "main", "BackOff", "Back-off restarting failed container main");
        clock.advance(Duration.ofSeconds(10));
        recorder.warning(pod, "main", "BackOff", "Back-off restarting failed container main");
        clock.advance(Duration.ofSeconds(20));
        recorder.warning(pod, "main", "BackOff", "Back-off restarting failed container main");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(3);
            assertThat(Instant.parse(e.getLastTimestamp())).isAfter(Instant.parse(e.getFirstTimestamp()));
        });

        clock.advance(EventRecorder.AGGREGATION_WINDOW.plusSeconds(1));
        recorder.warning(pod, "main", "BackOff", "Back-off restarting failed container main");
        assertThat(events()).as("after the window, a new event").hasSize(2);
    }

    @Test
    void aStormIsCutToABurstThenOneEventPerRefill() {
        for (int i = 0; i < 40; i++) {
            recorder.warning(pod, "main", "Failed", "Error number " + i);
        }
        assertThat(events()).hasSize(EventRecorder.BURST);

        recorder.warning(pod, "main", "Failed", "still failing");
        assertThat(events()).hasSize(EventRecorder.BURST);
        clock.advance(EventRecorder.REFILL);
        recorder.warning(pod, "main", "Failed", "still failing");
        assertThat(events()).hasSize(EventRecorder.BURST + 1);
    }
}
