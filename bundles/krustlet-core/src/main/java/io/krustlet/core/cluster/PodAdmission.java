package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.krustlet.core.status.Reasons;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kubelet's admission check: a pod bound to this node is refused (phase Failed) when the
 * node already runs maxPods pods, or when its resource requests do not fit what is left of the
 * allocatable cpu and memory. The scheduler normally prevents both; a pod bound by hand
 * (spec.nodeName set directly) is not scheduled, and this is what stops it.
 */
final class PodAdmission {

    /** A pod's effective requests: max(largest init container, sum of app containers), as the scheduler counts. */
    record Requests(long milliCpu, long memoryBytes) {
        static final Requests NONE = new Requests(0, 0);

        Requests plus(Requests other) {
            return new Requests(milliCpu + other.milliCpu, memoryBytes + other.memoryBytes);
        }

        static Requests of(Pod pod) {
            Requests apps = NONE;
            for (Container c : list(pod.getSpec().getContainers())) {
                apps = apps.plus(of(c));
            }
            long cpu = apps.milliCpu;
            long memory = apps.memoryBytes;
            for (Container c : list(pod.getSpec().getInitContainers())) {
                Requests r = of(c);
                cpu = Math.max(cpu, r.milliCpu);
                memory = Math.max(memory, r.memoryBytes);
            }
            return new Requests(cpu, memory);
        }

        private static Requests of(Container c) {
            if (c.getResources() == null) {
                return NONE;
            }
            // a limit without a request requests the limit, as the API server defaults it
            Map<String, Quantity> requests = c.getResources().getRequests() == null ? Map.of()
                    : c.getResources().getRequests();
            Map<String, Quantity> limits = c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
            return new Requests(amount(requests.getOrDefault("cpu", limits.get("cpu")), 1000),
                    amount(requests.getOrDefault("memory", limits.get("memory")), 1));
        }

        private static long amount(Quantity q, int scale) {
            if (q == null) {
                return 0;
            }
            try {
                return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(scale))
                        .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            } catch (RuntimeException e) {
                return 0;
            }
        }

        private static <T> List<T> list(List<T> l) {
            return l == null ? List.of() : l;
        }
    }

    /** Why a pod was refused: the kubelet's reason and message. */
    record Rejection(String reason, String message) {
    }

    private final int maxPods;
    private final long allocatableMilliCpu;
    private final long allocatableMemory;

    PodAdmission(int maxPods, long allocatableMilliCpu, long allocatableMemory) {
        this.maxPods = maxPods;
        this.allocatableMilliCpu = allocatableMilliCpu;
        this.allocatableMemory = allocatableMemory;
    }

    /**
     * @param running how many pods the node runs now
     * @param used the summed requests of those pods
     */
    Optional<Rejection> check(Pod pod, int running, Requests used) {
        if (running + 1 > maxPods) {
            return Optional.of(new Rejection(Reasons.OUT_OF_PODS,
                    "Pod Node didn't have enough resource: pods, requested: 1, used: "
                    + running + ", capacity: " + maxPods));
        }
        Requests wanted = Requests.of(pod);
        if (wanted.milliCpu > 0 && used.milliCpu + wanted.milliCpu > allocatableMilliCpu) {
            return Optional.of(new Rejection(Reasons.OUT_OF_CPU, "Pod Node didn't have enough resource: cpu, requested: "
                    + wanted.milliCpu + ", used: " + used.milliCpu + ", capacity: " + allocatableMilliCpu));
        }
        if (wanted.memoryBytes > 0 && used.memoryBytes + wanted.memoryBytes > allocatableMemory) {
            return Optional.of(new Rejection(Reasons.OUT_OF_MEMORY,
                    "Pod Node didn't have enough resource: memory, requested: "
                    + wanted.memoryBytes + ", used: " + used.memoryBytes + ", capacity: " + allocatableMemory));
        }
        return Optional.empty();
    }
}
