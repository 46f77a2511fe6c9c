package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Between the core's pod status and the Kubernetes API's, in both directions. */
final class StatusConverter {

    private StatusConverter() {
    }

    /**
     * The API status for a pod: ours, on top of what others wrote (conditions of other owners,
     * such as readiness gates, are kept).
     */
    static io.fabric8.kubernetes.api.model.PodStatus toApi(PodStatus status, io.fabric8.kubernetes.api.model.PodStatus existing,
            String nodeIP) {
        var result = existing == null ? new io.fabric8.kubernetes.api.model.PodStatus()
                : new io.fabric8.kubernetes.api.model.PodStatusBuilder(existing).build();
        result.setPhase(status.phase().name());
        result.setReason(status.reason());
        result.setMessage(status.message());
        result.setHostIP(nodeIP);
        result.setHostIPs(List.of(new HostIPBuilder().withIp(nodeIP).build()));
        // wasm pods share the host's network, as hostNetwork pods do
        result.setPodIP(nodeIP);
        result.setPodIPs(List.of(new PodIPBuilder().withIp(nodeIP).build()));
        result.setStartTime(time(status.startTime()));
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new ArrayList<>();
        status.conditions().forEach(c -> conditions.add(new PodConditionBuilder().withType(c.type())
                .withStatus(c.status() ? "True" : "False").withReason(c.reason())
                .withLastTransitionTime(time(c.lastTransitionTime())).build()));
        if (existing != null && existing.getConditions() != null) {
            existing.getConditions().stream()
                    .filter(c -> status.conditions().stream().noneMatch(o -> o.type().equals(c.getType())))
                    .forEach(conditions::add);
        }
        result.setConditions(conditions);
        result.setInitContainerStatuses(status.initContainerStatuses().stream().map(StatusConverter::toApi).toList());
        result.setContainerStatuses(status.containerStatuses().stream().map(StatusConverter::toApi).toList());
        if (result.getQosClass() == null) {
            result.setQosClass("BestEffort");
        }
        return result;
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus toApi(ContainerStatus c) {
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

    private static io.fabric8.kubernetes.api.model.ContainerState toApi(ContainerState state) {
        if (state instanceof ContainerState.Running r) {
            return new ContainerStateBuilder().withNewRunning().withStartedAt(time(r.startedAt())).endRunning().build();
        }
        if (state instanceof ContainerState.Terminated t) {
            return new ContainerStateBuilder().withNewTerminated().withExitCode(t.exitCode()).withReason(t.reason())
                    .withMessage(blankToNull(t.message())).withStartedAt(time(t.startedAt()))
                    .withFinishedAt(time(t.finishedAt())).endTerminated().build();
        }
        var w = (ContainerState.Waiting) state;
        return new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message())
                .endWaiting().build();
    }

    /**
     * What an earlier run of this node reported, or null when the pod has not been started by
     * this node before (the scheduler's status has no start time).
     */
    static PodStatus fromApi(io.fabric8.kubernetes.api.model.PodStatus api) {
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
        return new ContainerState.Waiting("ContainerCreating", null);
    }

    private static ContainerState.Terminated terminated(io.fabric8.kubernetes.api.model.ContainerState s) {
        if (s == null || s.getTerminated() == null) {
            return null;
        }
        var t = s.getTerminated();
        return new ContainerState.Terminated(t.getExitCode() == null ? 0 : t.getExitCode(), t.getReason(),
                t.getMessage() == null ? "" : t.getMessage(), instant(t.getStartedAt()), instant(t.getFinishedAt()));
    }

    static String time(Instant instant) {
        // the API's RFC 3339 times have second precision
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static Instant instant(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
