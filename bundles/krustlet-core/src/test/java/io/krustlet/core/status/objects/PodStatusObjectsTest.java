package io.krustlet.core.status.objects;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStatusObjectsTest {

    private static final Instant T0 = PodStatusSamples.T0;
    private static final Instant T1 = PodStatusSamples.T1;

    private static PodStatus restarted() {
        return PodStatusSamples.restarted();
    }

    @Test
    void containerStatesLastStateAndRestartCount() {
        var api = PodStatusObjects.toApi(restarted());
        assertThat(api.getPhase()).isEqualTo("Running");
        assertThat(api.getStartTime()).isEqualTo("2026-01-01T10:00:00Z");
        var init = api.getInitContainerStatuses().get(0);
        assertThat(init.getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(init.getState().getTerminated().getMessage()).as("an empty message is omitted").isNull();
        assertThat(init.getLastState()).isEqualTo(new io.fabric8.kubernetes.api.model.ContainerState());
        var app = api.getContainerStatuses().get(0);
        assertThat(app.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T10:00:09Z");
        assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(app.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(app.getRestartCount()).isEqualTo(2);
        assertThat(app.getReady()).isTrue();
        var side = api.getContainerStatuses().get(1);
        assertThat(side.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(side.getImageID()).isEmpty();
        assertThat(api.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ContainersNotReady");
        });
    }

    @Test
    void aFailedPodsReasonAndMessage() {
        var failed = new PodStatus(PodPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                "Pod was active on the node longer than the specified deadline", T0, List.of(), List.of(), List.of());
        var api = PodStatusObjects.toApi(failed);
        assertThat(api.getPhase()).isEqualTo("Failed");
        assertThat(api.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(api.getMessage()).startsWith("Pod was active");
    }

    @Test
    void whatTheNodeWritesIsItsStatusWithItsAddressOnTopOfOthers() {
        var existing = new PodStatusBuilder().withQosClass("Burstable").withConditions(
                new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                new PodConditionBuilder().withType("Ready").withStatus("True").build()).build();
        var ours = PodStatusObjects.toApi(restarted());
        var written = PodStatusObjects.toApi(restarted(), existing, "192.0.2.1");
        assertThat(written.getPhase()).isEqualTo(ours.getPhase());
        assertThat(written.getInitContainerStatuses()).isEqualTo(ours.getInitContainerStatuses());
        assertThat(written.getContainerStatuses()).isEqualTo(ours.getContainerStatuses());
        assertThat(written.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactly("Ready=False", "PodScheduled=True");
        assertThat(written.getHostIP()).isEqualTo("192.0.2.1");
        assertThat(written.getPodIPs()).singleElement().satisfies(ip -> assertThat(ip.getIp()).isEqualTo("192.0.2.1"));
        assertThat(written.getQosClass()).isEqualTo("Burstable");
        assertThat(PodStatusObjects.toApi(restarted(), null, "192.0.2.1").getQosClass()).isEqualTo("BestEffort");
    }

    @Test
    void readBackAfterARestartKeepsStatesAndRestartsButNotReadiness() {
        var back = PodStatusObjects.fromApi(PodStatusObjects.toApi(restarted(), null, "192.0.2.1"));
        var app = back.containerStatuses().get(0);
        assertThat(app.state()).isEqualTo(new ContainerState.Running(Instant.parse("2026-01-01T10:00:09Z")));
        assertThat(app.lastState()).isEqualTo(new ContainerState.Terminated(137, "OOMKilled",
                "memory limit of 64 MiB reached", Instant.parse("2026-01-01T10:00:00Z"), T1));
        assertThat(app.restartCount()).isEqualTo(2);
        assertThat(app.ready()).isFalse();
        assertThat(back.containerStatuses().get(1).state())
                .isEqualTo(new ContainerState.Waiting("CrashLoopBackOff", "back-off 20s restarting failed container"));
        assertThat(back.phase()).isEqualTo(PodPhase.Running);
        assertThat(PodStatusObjects.fromApi(new PodStatusBuilder().withPhase("Pending").build()))
                .as("never started by this node").isNull();
        assertThat(PodStatusObjects.fromApi(new PodStatusBuilder().withPhase("Bogus").withStartTime("2026-01-01T10:00:00Z")
                .build()).phase()).isEqualTo(PodPhase.Unknown);
    }
}
