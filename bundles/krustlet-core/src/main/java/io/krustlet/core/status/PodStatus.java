package io.krustlet.core.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one pod's status.
 *
 * @param phase the pod phase
 * @param reason a CamelCase reason for the phase, or null
 * @param message a human-readable message, or null
 * @param startTime when the kubelet accepted the pod
 * @param conditions the four pod conditions
 * @param initContainerStatuses init containers in spec order
 * @param containerStatuses app containers in spec order
 */
public record PodStatus(
        PodPhase phase,
        String reason,
        String message,
        Instant startTime,
        List<PodCondition> conditions,
        List<ContainerStatus> initContainerStatuses,
        List<ContainerStatus> containerStatuses) {

    public PodStatus {
        conditions = List.copyOf(conditions);
        initContainerStatuses = List.copyOf(initContainerStatuses);
        containerStatuses = List.copyOf(containerStatuses);
    }

    /** The status of the init or app container with this name. */
    public Optional<ContainerStatus> container(String name) {
        return java.util.stream.Stream.concat(initContainerStatuses.stream(), containerStatuses.stream())
                .filter(c -> c.name().equals(name))
                .findFirst();
    }

    public Optional<PodCondition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }
}
