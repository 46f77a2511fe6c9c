package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's state -> status function, case by case, as the kubelet's getPhase decides. */
class PodStatusDerivationTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(5);

    private static PodStatusDerivation.Run waiting(String reason) {
        return new PodStatusDerivation.Run(status(new ContainerState.Waiting(reason, null), null), false);
    }

    private static PodStatusDerivation.Run running() {
        return new PodStatusDerivation.Run(status(new ContainerState.Running(T0), null), false);
    }

    private static PodStatusDerivation.Run exited(int code) {
        return new PodStatusDerivation.Run(status(terminated(code), null), false);
    }

    /** Waiting for its next run (back-off, a provider, a launch) after an exit. */
    private static PodStatusDerivation.Run betweenRuns(int lastExit, boolean restartPlanned) {
        return new PodStatusDerivation.Run(status(new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, null),
                terminated(lastExit)), restartPlanned);
    }

    private static ContainerState.Terminated terminated(int code) {
        return new ContainerState.Terminated(code, code == 0 ? Reasons.COMPLETED : Reasons.ERROR, "", T0, T0);
    }

    private static ContainerStatus status(ContainerState state, ContainerState.Terminated last) {
        return new ContainerStatus("c", "fs/c.wasm", "", state, last, last == null ? 0 : 1,
                state instanceof ContainerState.Running, state instanceof ContainerState.Running);
    }

    private static PodStatusDerivation.Input input(PodStage stage, RestartPolicy policy, List<PodStatusDerivation.Run> init,
            List<PodStatusDerivation.Run> apps) {
        return new PodStatusDerivation.Input(stage, false, (int) init.stream()
                .filter(r -> r.status().state() instanceof ContainerState.Terminated t && t.exitCode() == 0).count(),
                false, null, null, T0, policy, init, apps);
    }

    private static PodPhase phase(PodStage stage, RestartPolicy policy, List<PodStatusDerivation.Run> init,
            List<PodStatusDerivation.Run> apps) {
        return PodStatusDerivation.phase(input(stage, policy, init, apps));
    }

    @Test
    void pendingWhileInitContainersRunOrAnAppContainerHasNotStarted() {
        assertThat(phase(PodStage.INIT, RestartPolicy.Always, List.of(running()), List.of(waiting(Reasons.POD_INITIALIZING))))
                .isEqualTo(PodPhase.Pending);
        assertThat(phase(PodStage.MAIN, RestartPolicy.Always, List.of(), List.of(running(), waiting(Reasons.CONTAINER_CREATING))))
                .isEqualTo(PodPhase.Pending);
    }

    @Test
    void aPodTheNodeFailsIsNotTerminalUntilItsContainersHaveStopped() {
        for (RestartPolicy policy : RestartPolicy.values()) {
            var base = input(PodStage.STOPPING, policy, List.of(), List.of(running()));
            var failing = new PodStatusDerivation.Input(base.stage(), false, 0, false, Reasons.DEADLINE_EXCEEDED,
                    "Pod was active on the node longer than the specified deadline", T0, policy, List.of(), base.apps());
            assertThat(PodStatusDerivation.phase(failing)).as(policy.name()).isEqualTo(PodPhase.Running);
            var exitedInGrace = new PodStatusDerivation.Input(PodStage.STOPPING, false, 0, false,
                    Reasons.DEADLINE_EXCEEDED, "deadline", T0, policy, List.of(), List.of(exited(0)));
            assertThat(PodStatusDerivation.phase(exitedInGrace)).as(policy + ": never Succeeded, then Failed")
                    .isEqualTo(PodPhase.Running);
            var stopped = new PodStatusDerivation.Input(PodStage.STOPPED, false, 0, false, Reasons.DEADLINE_EXCEEDED,
                    "Pod was active on the node longer than the specified deadline", T0, policy, List.of(),
                    List.of(exited(137)));
            assertThat(PodStatusDerivation.phase(stopped)).as(policy.name()).isEqualTo(PodPhase.Failed);
        }
    }

    @Test
    void aContainerBetweenRunsKeepsThePodRunningOnlyIfItWillRunAgain() {
        assertThat(phase(PodStage.MAIN, RestartPolicy.OnFailure, List.of(), List.of(betweenRuns(1, true))))
                .isEqualTo(PodPhase.Running);
        // the pod stopped while it waited: it will not run again, so it counts as stopped
        assertThat(phase(PodStage.STOPPED, RestartPolicy.OnFailure, List.of(), List.of(betweenRuns(1, false))))
                .isEqualTo(PodPhase.Failed);
    }

    @Test
    void succeededFailedAndRunningByRestartPolicy() {
        assertThat(phase(PodStage.MAIN, RestartPolicy.Never, List.of(), List.of(exited(0), exited(0))))
                .isEqualTo(PodPhase.Succeeded);
        assertThat(phase(PodStage.MAIN, RestartPolicy.Never, List.of(), List.of(exited(0), exited(3))))
                .isEqualTo(PodPhase.Failed);
        assertThat(phase(PodStage.MAIN, RestartPolicy.Always, List.of(), List.of(exited(0))))
                .as("Always: a container that exited runs again").isEqualTo(PodPhase.Running);
        assertThat(phase(PodStage.STOPPED, RestartPolicy.Always, List.of(), List.of(exited(0))))
                .as("but not once the pod was stopped").isEqualTo(PodPhase.Succeeded);
    }

    @Test
    void aNodeShutdownIsNotTheEndOfAnAlwaysPod() {
        var stopped = new PodStatusDerivation.Input(PodStage.STOPPED, false, 0, true, null, null, T0,
                RestartPolicy.Always, List.of(), List.of(exited(137)));
        assertThat(PodStatusDerivation.phase(stopped)).isEqualTo(PodPhase.Running);
    }

    @Test
    void aFailureOfTheNodesOrAFailedInitContainerIsFailedForGoodEvenOnceStopped() {
        var evicted = new PodStatusDerivation.Input(PodStage.STOPPED, false, 0, false, Reasons.EVICTED, "too big", T0,
                RestartPolicy.Always, List.of(), List.of(exited(137)));
        PodStatus status = PodStatusDerivation.derive(evicted, Map.of(), T1);
        assertThat(status.phase()).isEqualTo(PodPhase.Failed);
        assertThat(status.reason()).isEqualTo(Reasons.EVICTED);
        assertThat(status.message()).isEqualTo("too big");

        var initFailed = new PodStatusDerivation.Input(PodStage.STOPPED, true, 0, false, null, null, T0,
                RestartPolicy.Never, List.of(exited(1)), List.of(waiting(Reasons.POD_INITIALIZING)));
        assertThat(PodStatusDerivation.phase(initFailed)).isEqualTo(PodPhase.Failed);
    }

    @Test
    void conditionsFollowTheContainersAndKeepTheirTransitionTimeWhileUnchanged() {
        Map<String, PodCondition> previous = new HashMap<>();
        PodStatus first = PodStatusDerivation.derive(input(PodStage.MAIN, RestartPolicy.Always, List.of(exited(0)),
                List.of(running())), previous, T0);
        assertThat(first.condition(PodCondition.READY).orElseThrow().status()).isTrue();
        assertThat(first.condition(PodCondition.INITIALIZED).orElseThrow().status()).isTrue();
        first.conditions().forEach(c -> previous.put(c.type(), c));

        PodStatus same = PodStatusDerivation.derive(input(PodStage.MAIN, RestartPolicy.Always, List.of(exited(0)),
                List.of(running())), previous, T1);
        assertThat(same.condition(PodCondition.READY).orElseThrow().lastTransitionTime()).isEqualTo(T0);

        PodStatus done = PodStatusDerivation.derive(input(PodStage.MAIN, RestartPolicy.Never, List.of(exited(0)),
                List.of(exited(0))), previous, T1);
        assertThat(done.phase()).isEqualTo(PodPhase.Succeeded);
        PodCondition ready = done.condition(PodCondition.READY).orElseThrow();
        assertThat(ready.status()).isFalse();
        assertThat(ready.reason()).isEqualTo(Reasons.POD_COMPLETED);
        assertThat(ready.lastTransitionTime()).isEqualTo(T1);
    }

    @Test
    void theContainerMachineRefusesTransitionsItDoesNotHave() {
        var run = new ContainerRun(new ContainerDefinition("c", "fs/c.wasm", null, List.of(), List.of(), Map.of(), null,
                List.of(), io.krustlet.api.ResourceLimits.NONE), false, false);
        run.moveTo(RunState.LAUNCHING);
        run.moveTo(RunState.RUNNING);
        run.moveTo(RunState.KILLING);
        assertThatThrownBy(() -> run.moveTo(RunState.LAUNCHING))
                .as("a killed container never starts again").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KILLING -> LAUNCHING");
        run.moveTo(RunState.TERMINATED);
        for (RunState any : RunState.values()) {
            assertThat(RunState.TERMINATED.canMoveTo(any)).isFalse();
            assertThat(RunState.HALTED.canMoveTo(any)).isFalse();
        }
    }
}
