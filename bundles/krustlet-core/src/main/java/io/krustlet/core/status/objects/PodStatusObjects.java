package io.krustlet.core.status.objects;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Between the core's pod status ({@link PodStatus}) and the API's ({@code v1.PodStatus}), in both
 * directions. Pure functions: thread-safe, no I/O; each call returns new objects the caller may
 * change.
 *
 * <p>Times are RFC 3339 to the second, as {@code metav1.Time} serializes; an empty message is
 * omitted, as the API server omits it; a container that never ran has an empty {@code lastState}
 * ({@code {}}), as the kubelet reports it (pkg/kubelet/kubelet_pods.go: convertToAPIContainerStatuses).
 */
public final class PodStatusObjects {

    private PodStatusObjects() {
    }

    /**
     * What this node says about a pod: phase, reason, message, start time, its conditions and the
     * status of each init and app container. No addresses: those are the node's (see
     * {@link #toApi(PodStatus, io.fabric8.kubernetes.api.model.PodStatus, String)}).
     */
    public static io.fabric8.kubernetes.api.model.PodStatus toApi(PodStatus status) {
        var result = new io.fabric8.kubernetes.api.model.PodStatus();
        result.setPhase(status.phase().name());
        result.setReason(status.reason());
        result.setMessage(status.message());
        result.setStartTime(time(status.startTime()));
        result.setConditions(status.conditions().stream().map(PodStatusObjects::toApi).toList());
        result.setInitContainerStatuses(status.initContainerStatuses().stream().map(PodStatusObjects::toApi).toList());
        result.setContainerStatuses(status.containerStatuses().stream().map(PodStatusObjects::toApi).toList());
        return result;
    }

    /**
     * The status the node writes to the API server: {@link #toApi(PodStatus)}, the node's address
     * as hostIP and podIP (wasm pods share the host's network, as hostNetwork pods do), on top of
     * what others wrote. Conditions of other owners (readiness gates, PodScheduled) are kept, and
     * the API server's qosClass; BestEffort when it has none.
     *
     * @param existing the pod's status as the API server has it, or null
     * @param nodeIP the node's InternalIP
     */
    public static io.fabric8.kubernetes.api.model.PodStatus toApi(PodStatus status,
            io.fabric8.kubernetes.api.model.PodStatus existing, String nodeIP) {
        var ours = toApi(status);
        var result = existing == null ? new io.fabric8.kubernetes.api.model.PodStatus()
                : new PodStatusBuilder(existing).build();
        result.setPhase(ours.getPhase());
        result.setReason(ours.getReason());
        result.setMessage(ours.getMessage());
        result.setHostIP(nodeIP);
        result.setHostIPs(List.of(new HostIPBuilder().withIp(nodeIP).build()));
        result.setPodIP(nodeIP);
        result.setPodIPs(List.of(new PodIPBuilder().withIp(nodeIP).build()));
        result.setStartTime(ours.getStartTime());
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new ArrayList<>(ours.getConditions());
        if (existing != null && existing.getConditions() != null) {
            existing.getConditions().stream()
                    .filter(c -> status.conditions().stream().noneMatch(o -> o.type().equals(c.getType())))
                    .forEach(conditions::add);
        }
        result.setConditions(conditions);
        result.setInitContainerStatuses(ours.getInitContainerStatuses());
        result.setContainerStatuses(ours.getContainerStatuses());
        if (result.getQosClass() == null) {
            result.setQosClass("BestEffort");
        }
        return result;
    }

    /** One pod condition: {@code True}/{@code False}, its reason and when it last changed. */
    public static io.fabric8.kubernetes.api.model.PodCondition toApi(PodCondition condition) {
        return new PodConditionBuilder().withType(condition.type()).withStatus(condition.status() ? "True" : "False")
                .withReason(condition.reason()).withLastTransitionTime(time(condition.lastTransitionTime())).build();
    }

    /** One container's status; a null {@code lastState} is the empty state. */
    public static io.fabric8.kubernetes.api.model.ContainerStatus toApi(ContainerStatus c) {
        return new ContainerStatusBuilder()
                .withName(c.name())
                .withImage(c.image())
                .withImageID(c.imageId() == null ? "" : c.imageId())
                .withState(toApi(c.state()))
                .withLastState(c.lastState() == null ? new io.fabric8.kubernetes.api.model.ContainerState()
                        : toApi(c.lastState()))
                .withRestartCount(c.restartCount())
                .withReady(c.ready())
                .withStarted(c.started())
                .build();
    }

    /** A container state: exactly one of waiting, running and terminated is set. */
    public static io.fabric8.kubernetes.api.model.ContainerState toApi(ContainerState state) {
        if (state instanceof ContainerState.Running r) {
            return new ContainerStateBuilder().withNewRunning().withStartedAt(time(r.startedAt())).endRunning().build();
        }
        if (state instanceof ContainerState.Terminated t) {
            return new ContainerStateBuilder().withNewTerminated().withExitCode(t.exitCode()).withReason(t.reason())
                    .withMessage(blankToNull(t.message())).withStartedAt(time(t.startedAt()))
                    .withFinishedAt(time(t.finishedAt())).endTerminated().build();
        }
        var w = (ContainerState.Waiting) state;
        return new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(blankToNull(w.message()))
                .endWaiting().build();
    }

    /**
     * What an earlier run of this node reported (read back after a node restart), or null when the
     * pod has not been started by this node before: the scheduler's status has no start time. An
     * unknown phase reads as Unknown; a container without a state as waiting in ContainerCreating.
     * Readiness is not read back: a container is not ready until probed again.
     */
    public static PodStatus fromApi(io.fabric8.kubernetes.api.model.PodStatus api) {
        if (api == null || api.getStartTime() == null) {
            return null;
        }
        List<PodCondition> conditions = api.getConditions() == null ? List.of() : api.getConditions().stream()
                .map(c -> new PodCondition(c.getType(), "True".equals(c.getStatus()), c.getReason(),
                        instant(c.getLastTransitionTime())))
                .toList();
        return new PodStatus(phase(api.getPhase()), api.getReason(), api.getMessage(), instant(api.getStartTime()),
                conditions, containers(api.getInitContainerStatuses()), containers(api.getContainerStatuses()));
    }

    /** An instant as the API writes times: RFC 3339, to the second (metav1.Time); null stays null. */
    public static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static PodPhase phase(String phase) {
        try {
            return phase == null ? PodPhase.Pending : PodPhase.valueOf(phase);
        } catch (IllegalArgumentException e) {
            return PodPhase.Unknown;
        }
    }

    private static List<ContainerStatus> containers(List<io.fabric8.kubernetes.api.model.ContainerStatus> list) {
        if (list == null) {
            return List.of();
        }
        return list.stream().map(c -> new ContainerStatus(c.getName(), c.getImage(), c.getImageID(),
                fromApi(c.getState()), terminated(c.getLastState()),
                c.getRestartCount() == null ? 0 : c.getRestartCount(), false, false)).toList();
    }

    private static ContainerState fromApi(io.fabric8.kubernetes.api.model.ContainerState s) {
        if (s != null && s.getRunning() != null) {
            return new ContainerState.Running(instant(s.getRunning().getStartedAt()));
        }
        ContainerState.Terminated t = terminated(s);
        if (t != null) {
            return t;
        }
        if (s != null && s.getWaiting() != null) {
            return new ContainerState.Waiting(s.getWaiting().getReason(), s.getWaiting().getMessage());
        }
        return new ContainerState.Waiting(Reasons.CONTAINER_CREATING, null);
    }

    private static ContainerState.Terminated terminated(io.fabric8.kubernetes.api.model.ContainerState s) {
        if (s == null || s.getTerminated() == null) {
            return null;
        }
        var t = s.getTerminated();
        return new ContainerState.Terminated(t.getExitCode() == null ? 0 : t.getExitCode(), t.getReason(),
                t.getMessage() == null ? "" : t.getMessage(), instant(t.getStartedAt()), instant(t.getFinishedAt()));
    }

    private static Instant instant(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
