package io.krustlet.http.api;

import io.krustlet.api.ContainerUsage;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One look at what every running container uses, shared by {@code /stats/summary} and
 * {@code /metrics/resource}: the providers measure (CPU time of the module, its linear memory),
 * this only collects. Containers whose provider does not measure are left out, not counted as 0.
 */
record ContainerUsages(List<Entry> entries) {

    /** A running container and what it uses. */
    record Entry(PodSnapshot pod, String container, Instant startedAt, ContainerUsage usage) {
    }

    static ContainerUsages of(KubeletPods pods) {
        List<Entry> entries = new ArrayList<>();
        for (PodSnapshot pod : pods.pods()) {
            pod.status().containerStatuses().forEach(c -> {
                if (c.state() instanceof ContainerState.Running running) {
                    pods.usage(pod.namespace(), pod.name(), c.name())
                            .ifPresent(u -> entries.add(new Entry(pod, c.name(), running.startedAt(), u)));
                }
            });
        }
        return new ContainerUsages(List.copyOf(entries));
    }

    List<Entry> of(PodSnapshot pod) {
        return entries.stream().filter(e -> e.pod().uid().equals(pod.uid())).toList();
    }
}
