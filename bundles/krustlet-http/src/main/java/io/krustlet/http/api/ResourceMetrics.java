package io.krustlet.http.api;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;

/**
 * {@code /metrics/resource}, what metrics-server scrapes: node, pod and container CPU time and
 * memory, container start times. A container whose provider does not measure has no samples
 * (metrics-server then skips it, rather than showing 0).
 */
final class ResourceMetrics {

    private final KubeletPods pods;
    private final NodeUsage usage;

    ResourceMetrics(KubeletPods pods, NodeUsage usage) {
        this.pods = pods;
        this.usage = usage;
    }

    String text() {
        NodeUsage.Sample sample = usage.sample();
        long now = sample.time().toEpochMilli();
        var text = new PrometheusText();
        ContainerUsages usages = ContainerUsages.of(pods);
        text.family("container_cpu_usage_seconds_total", "counter",
                "[STABLE] Cumulative cpu time consumed by the container in core-seconds");
        usages.entries().forEach(e -> text.sample("container_cpu_usage_seconds_total", e.usage().cpuNanos() / 1e9,
                e.usage().time().toEpochMilli(), "container", e.container(), "namespace", e.pod().namespace(),
                "pod", e.pod().name()));
        text.family("container_memory_working_set_bytes", "gauge",
                "[STABLE] Current working set of the container in bytes");
        usages.entries().forEach(e -> text.sample("container_memory_working_set_bytes", e.usage().memoryBytes(),
                e.usage().time().toEpochMilli(), "container", e.container(), "namespace", e.pod().namespace(),
                "pod", e.pod().name()));
        text.family("container_start_time_seconds", "gauge",
                "[STABLE] Start time of the container since unix epoch in seconds");
        for (PodSnapshot pod : pods.pods()) {
            pod.status().containerStatuses().forEach(c -> {
                if (c.state() instanceof ContainerState.Running running && running.startedAt() != null) {
                    text.sample("container_start_time_seconds", running.startedAt().toEpochMilli() / 1000.0,
                            running.startedAt().toEpochMilli(),
                            "container", c.name(), "namespace", pod.namespace(), "pod", pod.name());
                }
            });
        }
        text.family("node_cpu_usage_seconds_total", "counter",
                "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
        text.sample("node_cpu_usage_seconds_total", sample.cpuNanos() / 1e9, now);
        text.family("node_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the node in bytes");
        text.sample("node_memory_working_set_bytes", sample.workingSetBytes(), now);
        text.family("pod_cpu_usage_seconds_total", "counter",
                "[STABLE] Cumulative cpu time consumed by the pod in core-seconds");
        for (PodSnapshot pod : pods.pods()) {
            var measured = usages.of(pod);
            if (!measured.isEmpty()) {
                text.sample("pod_cpu_usage_seconds_total",
                        measured.stream().mapToLong(m -> m.usage().cpuNanos()).sum() / 1e9, now,
                        "namespace", pod.namespace(), "pod", pod.name());
            }
        }
        text.family("pod_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the pod in bytes");
        for (PodSnapshot pod : pods.pods()) {
            var measured = usages.of(pod);
            if (!measured.isEmpty()) {
                text.sample("pod_memory_working_set_bytes",
                        measured.stream().mapToLong(m -> m.usage().memoryBytes()).sum(), now,
                        "namespace", pod.namespace(), "pod", pod.name());
            }
        }
        text.family("resource_scrape_error", "gauge",
                "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise");
        text.sample("resource_scrape_error", 0);
        text.family("scrape_error", "gauge",
                "[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise");
        text.sample("scrape_error", 0);
        return text.toString();
    }
}
