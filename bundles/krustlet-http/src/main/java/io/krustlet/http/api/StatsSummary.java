package io.krustlet.http.api;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /stats/summary} in the shape of the kubelet's Summary API (stats/v1alpha1): node CPU and
 * memory, and each pod with its containers and what they use (CPU time and memory, as the
 * providers measure them). A container whose provider does not measure is reported without
 * them, not as zero: in the Summary API an absent value means unknown while 0 would mean idle.
 * usageNanoCores (a rate) is left out for containers: it needs two samples over time.
 */
final class StatsSummary {

    private final KubeletPods pods;
    private final NodeUsage usage;

    StatsSummary(KubeletPods pods, NodeUsage usage) {
        this.pods = pods;
        this.usage = usage;
    }

    Map<String, Object> summary() {
        NodeUsage.Sample sample = usage.sample();
        String time = sample.time().toString();
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("nodeName", pods.nodeName());
        node.put("systemContainers", List.of());
        node.put("startTime", PodStatusObjects.time(NodeUsage.startTime()));
        node.put("cpu", Map.of("time", time, "usageNanoCores", sample.usageNanoCores(),
                "usageCoreNanoSeconds", sample.cpuNanos()));
        node.put("memory", Map.of("time", time, "workingSetBytes", sample.workingSetBytes(),
                "usageBytes", sample.workingSetBytes(), "availableBytes", sample.availableBytes()));
        List<Map<String, Object>> podStats = new ArrayList<>();
        ContainerUsages usages = ContainerUsages.of(pods);
        for (PodSnapshot pod : pods.pods()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("podRef", Map.of("name", pod.name(), "namespace", pod.namespace(), "uid", pod.uid()));
            entry.put("startTime", PodStatusObjects.time(pod.status().startTime()));
            List<Map<String, Object>> containers = new ArrayList<>();
            List<ContainerUsages.Entry> measured = usages.of(pod);
            pod.status().containerStatuses().forEach(c -> {
                if (c.state() instanceof ContainerState.Running running) {
                    Map<String, Object> container = new LinkedHashMap<>();
                    container.put("name", c.name());
                    container.put("startTime", PodStatusObjects.time(running.startedAt()));
                    measured.stream().filter(m -> m.container().equals(c.name())).findFirst().ifPresent(m -> {
                        String at = m.usage().time().toString();
                        container.put("cpu", Map.of("time", at, "usageCoreNanoSeconds", m.usage().cpuNanos()));
                        container.put("memory", Map.of("time", at, "workingSetBytes", m.usage().memoryBytes(),
                                "usageBytes", m.usage().memoryBytes()));
                    });
                    containers.add(container);
                }
            });
            entry.put("containers", containers);
            if (!measured.isEmpty()) {
                long cpu = measured.stream().mapToLong(m -> m.usage().cpuNanos()).sum();
                long memory = measured.stream().mapToLong(m -> m.usage().memoryBytes()).sum();
                entry.put("cpu", Map.of("time", time, "usageCoreNanoSeconds", cpu));
                entry.put("memory", Map.of("time", time, "workingSetBytes", memory, "usageBytes", memory));
            }
            podStats.add(entry);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", node);
        summary.put("pods", podStats);
        return summary;
    }
}
