package io.krustlet.http.api;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /stats/summary} in the shape of the kubelet's Summary API (stats/v1alpha1): node CPU and
 * memory, and each pod with its containers. Per-container and per-pod CPU and memory are left out,
 * not reported as zero: the provider SPI does not measure them yet, and in the Summary API an
 * absent value means unknown while 0 would mean idle.
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
        node.put("startTime", PodObjects.time(NodeUsage.startTime()));
        node.put("cpu", Map.of("time", time, "usageNanoCores", sample.usageNanoCores(),
                "usageCoreNanoSeconds", sample.cpuNanos()));
        node.put("memory", Map.of("time", time, "workingSetBytes", sample.workingSetBytes(),
                "usageBytes", sample.workingSetBytes(), "availableBytes", sample.availableBytes()));
        List<Map<String, Object>> podStats = new ArrayList<>();
        for (PodSnapshot pod : pods.pods()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("podRef", Map.of("name", pod.name(), "namespace", pod.namespace(), "uid", pod.uid()));
            entry.put("startTime", PodObjects.time(pod.status().startTime()));
            List<Map<String, Object>> containers = new ArrayList<>();
            pod.status().containerStatuses().forEach(c -> {
                if (c.state() instanceof ContainerState.Running running) {
                    containers.add(Map.of("name", c.name(), "startTime", PodObjects.time(running.startedAt())));
                }
            });
            entry.put("containers", containers);
            podStats.add(entry);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", node);
        summary.put("pods", podStats);
        return summary;
    }
}
