package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Node's status as the kubelet reports it: capacity, allocatable, the four conditions with
 * heartbeat and transition times, addresses, node info and the kubelet endpoint.
 */
final class NodeStatusFactory {

    /** What the node measures about itself each time it builds a status. */
    record Pressure(boolean memory, boolean disk, boolean pid) {
        static final Pressure NONE = new Pressure(false, false, false);
    }

    private NodeStatusFactory() {
    }

    static NodeStatus build(NodeFacts facts, Pressure pressure, List<NodeCondition> previous, Instant now) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(facts.cpus())));
        capacity.put("memory", new Quantity(Long.toString(facts.memoryBytes() / 1024), "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(facts.maxPods())));
        capacity.put("ephemeral-storage", new Quantity(Long.toString(facts.storageBytes() / 1024), "Ki"));
        String time = now.toString();
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "Ready", true, Reasons.KUBELET_READY,
                "kubelet is posting ready status", time));
        conditions.add(pressure.memory()
                ? condition(previous, "MemoryPressure", true, Reasons.KUBELET_HAS_INSUFFICIENT_MEMORY,
                        "kubelet has insufficient memory available", time)
                : condition(previous, "MemoryPressure", false, Reasons.KUBELET_HAS_SUFFICIENT_MEMORY,
                        "kubelet has sufficient memory available", time));
        conditions.add(pressure.disk()
                ? condition(previous, "DiskPressure", true, Reasons.KUBELET_HAS_DISK_PRESSURE,
                        "kubelet has disk pressure", time)
                : condition(previous, "DiskPressure", false, Reasons.KUBELET_HAS_NO_DISK_PRESSURE,
                        "kubelet has no disk pressure",
                        time));
        conditions.add(pressure.pid()
                ? condition(previous, "PIDPressure", true, Reasons.KUBELET_HAS_INSUFFICIENT_PID,
                        "kubelet has insufficient PID available", time)
                : condition(previous, "PIDPressure", false, Reasons.KUBELET_HAS_SUFFICIENT_PID,
                        "kubelet has sufficient PID available", time));
        String runtimes = String.join(",", facts.runtimeNames().stream().map(facts.runtimes()::get).distinct().toList());
        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(new LinkedHashMap<>(capacity))
                .withConditions(conditions)
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(facts.internalIP()).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(facts.hostname()).build())
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(facts.port()).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withNodeInfo(new NodeSystemInfoBuilder()
                        .withArchitecture("wasm-wasi")
                        .withOperatingSystem("linux")
                        .withKubeletVersion(facts.kubeletVersion())
                        .withKubeProxyVersion("")
                        .withContainerRuntimeVersion(runtimes.isEmpty() ? "none" : runtimes)
                        .withOsImage(System.getProperty("os.name") + " (JVM " + Runtime.version() + ")")
                        .withKernelVersion(System.getProperty("os.version"))
                        .withBootID(facts.bootId())
                        .withMachineID(facts.bootId())
                        .withSystemUUID(facts.bootId())
                        .build())
                .build();
    }

    /** A condition keeps its transition time while its status stays the same; the heartbeat always moves. */
    private static NodeCondition condition(List<NodeCondition> previous, String type, boolean status, String reason,
            String message, String now) {
        String value = status ? "True" : "False";
        String transition = previous.stream().filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(NodeCondition::getLastTransitionTime).filter(java.util.Objects::nonNull).findFirst().orElse(now);
        return new NodeConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now).withLastTransitionTime(transition).build();
    }

    /**
     * Whether the API server's copy of the status ({@code inApi}, may be null) already says what
     * {@code ours} says: the same conditions (type, status, reason, message), capacity and
     * allocatable by value (the API server writes quantities in their canonical form, 16Gi for
     * 16777216Ki), addresses, node info and kubelet port. Heartbeat and transition times do not
     * count; fields the node does not set (images, volumes) neither.
     */
    static boolean sameNews(NodeStatus ours, NodeStatus inApi) {
        if (inApi == null) {
            return false;
        }
        return conditionsOf(ours).equals(conditionsOf(inApi))
                && amounts(ours.getCapacity()).equals(amounts(inApi.getCapacity()))
                && amounts(ours.getAllocatable()).equals(amounts(inApi.getAllocatable()))
                && addresses(ours).equals(addresses(inApi))
                && java.util.Objects.equals(ours.getNodeInfo(), inApi.getNodeInfo())
                && java.util.Objects.equals(port(ours), port(inApi));
    }

    private static java.util.Set<List<String>> conditionsOf(NodeStatus status) {
        return status.getConditions() == null ? java.util.Set.of() : status.getConditions().stream()
                .map(c -> java.util.Arrays.asList(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
                .collect(java.util.stream.Collectors.toSet());
    }

    private static Map<String, java.math.BigDecimal> amounts(Map<String, Quantity> quantities) {
        Map<String, java.math.BigDecimal> amounts = new java.util.TreeMap<>();
        if (quantities != null) {
            // stripTrailingZeros: 2 and 2.0 are one value
            quantities.forEach((k, v) -> amounts.put(k, v == null ? null : v.getNumericalAmount().stripTrailingZeros()));
        }
        return amounts;
    }

    private static List<String> addresses(NodeStatus status) {
        return status.getAddresses() == null ? List.of() : status.getAddresses().stream()
                .map(a -> a.getType() + "=" + a.getAddress()).toList();
    }

    private static Integer port(NodeStatus status) {
        return status.getDaemonEndpoints() == null || status.getDaemonEndpoints().getKubeletEndpoint() == null ? null
                : status.getDaemonEndpoints().getKubeletEndpoint().getPort();
    }
}
