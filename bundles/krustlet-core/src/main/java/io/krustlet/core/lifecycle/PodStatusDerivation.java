package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod status a worker reports, as a pure function of the worker's state: no clock, no queue,
 * no provider. The phase follows the kubelet's {@code getPhase} (pkg/kubelet/kubelet_pods.go), the
 * conditions its {@code GeneratePodReadyCondition} and friends (pkg/kubelet/status).
 */
final class PodStatusDerivation {

    private PodStatusDerivation() {
    }

    /**
     * One container as the derivation needs it.
     *
     * @param status what the API shows of it
     * @param restartPlanned whether it will run again by itself (waiting for a provider, a timer
     *     or a launch in progress): between two runs a pod is still running
     */
    record Run(ContainerStatus status, boolean restartPlanned) {
    }

    /**
     * The worker's state.
     *
     * @param stage the pod's stage
     * @param initFailed whether an init container failed for good (the pod stays Failed when it stops)
     * @param initDone how many init containers have completed, in order
     * @param nodeShutdown whether the pod was stopped by a node shutdown rather than for good
     * @param failureReason why the node failed the pod (Evicted, DeadlineExceeded), or null
     * @param failureMessage the message for it, or null
     * @param startTime when the node accepted the pod
     * @param policy the pod's restart policy
     * @param init the init containers in spec order
     * @param apps the app containers in spec order
     */
    record Input(PodStage stage, boolean initFailed, int initDone, boolean nodeShutdown, String failureReason, String failureMessage,
            Instant startTime, RestartPolicy policy, List<Run> init, List<Run> apps) {
    }

    /**
     * The status for {@code input}.
     *
     * @param previous the conditions reported last, by type: a condition whose status did not
     *     change keeps its transition time
     * @param now the transition time of a condition that changes
     */
    static PodStatus derive(Input input, Map<String, PodCondition> previous, Instant now) {
        PodPhase phase = phase(input);
        boolean initialized = input.init().stream().allMatch(r -> r.status().state() instanceof ContainerState.Terminated t
                && t.exitCode() == 0);
        // ready: running and passing their readiness probes (ContainerStatus.ready), all of them
        boolean ready = phase == PodPhase.Running && input.apps().stream().allMatch(r -> r.status().ready());
        String notReady = phase == PodPhase.Succeeded ? Reasons.POD_COMPLETED : Reasons.CONTAINERS_NOT_READY;
        List<PodCondition> conditions = List.of(
                condition(previous, PodCondition.POD_SCHEDULED, true, null, now),
                condition(previous, PodCondition.INITIALIZED, initialized,
                        phase == PodPhase.Succeeded ? Reasons.POD_COMPLETED : Reasons.CONTAINERS_NOT_INITIALIZED, now),
                condition(previous, PodCondition.CONTAINERS_READY, ready, notReady, now),
                condition(previous, PodCondition.READY, ready, notReady, now));
        return new PodStatus(phase, input.failureReason(), input.failureMessage(), input.startTime(), conditions,
                statuses(input.init()), statuses(input.apps()));
    }

    private static List<ContainerStatus> statuses(List<Run> runs) {
        List<ContainerStatus> result = new ArrayList<>(runs.size());
        runs.forEach(r -> result.add(r.status()));
        return result;
    }

    private static PodCondition condition(Map<String, PodCondition> previous, String type, boolean value,
            String reasonWhenFalse, Instant now) {
        PodCondition last = previous.get(type);
        if (last != null && last.status() == value) {
            return last;
        }
        return new PodCondition(type, value, value ? null : reasonWhenFalse, now);
    }

    /** The phase by the kubelet's rules (pkg/kubelet/kubelet_pods.go getPhase). */
    static PodPhase phase(Input input) {
        PodStage stage = input.stage();
        if (input.initFailed() || input.failureReason() != null && stage == PodStage.STOPPED) {
            return PodPhase.Failed;
        }
        PodPhase phase = byContainers(input);
        // A pod the node fails (Evicted, DeadlineExceeded) is not terminal while its containers may
        // still run, and never terminal twice (Succeeded, then Failed): Running until they have
        // stopped (kubelet_pods.go generateAPIPodStatus: not terminal until all containers stopped).
        if (input.failureReason() != null && (phase == PodPhase.Succeeded || phase == PodPhase.Failed)) {
            return PodPhase.Running;
        }
        return phase;
    }

    private static PodPhase byContainers(Input input) {
        PodStage stage = input.stage();
        boolean stopping = stage == PodStage.STOPPED || stage == PodStage.STOPPING;
        if (stage == PodStage.NEW || stage == PodStage.INIT || stopping && input.initDone() < input.init().size()) {
            return PodPhase.Pending;
        }
        // a pod stopped by a node shutdown is judged as if its containers had just exited
        boolean ended = stage == PodStage.STOPPED && !input.nodeShutdown();
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (Run run : input.apps()) {
            ContainerStatus status = run.status();
            if (status.state() instanceof ContainerState.Running) {
                running++;
            } else if (status.state() instanceof ContainerState.Terminated t) {
                stopped++;
                succeeded += t.exitCode() == 0 ? 1 : 0;
            } else if (status.lastState() != null && run.restartPlanned()) {
                running++; // between two runs: it will run again, so the pod is still running
            } else if (status.lastState() != null) {
                stopped++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return PodPhase.Pending;
        }
        if (running > 0 || input.policy() == RestartPolicy.Always && !ended) {
            return PodPhase.Running;
        }
        if (stopped == succeeded) {
            return PodPhase.Succeeded;
        }
        return input.policy() == RestartPolicy.Never || ended ? PodPhase.Failed : PodPhase.Running;
    }
}
