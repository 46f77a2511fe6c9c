package io.krustlet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodTableTest {

    private static ContainerStatus container(ContainerState state, int restarts) {
        return new ContainerStatus("c", "fs/x", "", state, null, restarts, state instanceof ContainerState.Running,
                state instanceof ContainerState.Running);
    }

    @Test
    void statusReadsLikeKubectl() {
        Instant t = Instant.EPOCH;
        var completed = new PodStatus(PodPhase.Succeeded, null, null, t, List.of(), List.of(),
                List.of(container(new ContainerState.Terminated(0, "Completed", "", t, t), 0)));
        assertThat(PodTable.status(completed)).isEqualTo("Completed");
        var crashing = new PodStatus(PodPhase.Running, null, null, t, List.of(), List.of(),
                List.of(container(new ContainerState.Waiting("CrashLoopBackOff", "back-off"), 3)));
        assertThat(PodTable.status(crashing)).isEqualTo("CrashLoopBackOff");
        assertThat(PodTable.restarts(crashing)).isEqualTo(3);
        var initializing = new PodStatus(PodPhase.Pending, null, null, t, List.of(),
                List.of(container(new ContainerState.Terminated(0, "Completed", "", t, t), 0),
                        container(new ContainerState.Running(t), 0)),
                List.of(container(new ContainerState.Waiting("PodInitializing", null), 0)));
        assertThat(PodTable.status(initializing)).isEqualTo("Init:1/2");
        var running = new PodStatus(PodPhase.Running, null, null, t, List.of(), List.of(),
                List.of(container(new ContainerState.Running(t), 0)));
        assertThat(PodTable.status(running)).isEqualTo("Running");
        assertThat(PodTable.ready(running)).isEqualTo("1/1");
    }

    @Test
    void restartsCountTheInitContainersWhileThePodInitializesAsKubectlDoes() {
        Instant t = Instant.EPOCH;
        var crashingInit = new PodStatus(PodPhase.Pending, null, null, t, List.of(),
                List.of(container(new ContainerState.Waiting("CrashLoopBackOff", "back-off"), 2)),
                List.of(container(new ContainerState.Waiting("PodInitializing", null), 0)));
        assertThat(PodTable.status(crashingInit)).isEqualTo("Init:CrashLoopBackOff");
        assertThat(PodTable.restarts(crashingInit)).isEqualTo(2);
        var initialized = new PodStatus(PodPhase.Running, null, null, t, List.of(),
                List.of(container(new ContainerState.Terminated(0, "Completed", "", t, t), 2)),
                List.of(container(new ContainerState.Running(t), 1)));
        assertThat(PodTable.restarts(initialized)).as("after init, the app containers' restarts").isEqualTo(1);
    }
}
