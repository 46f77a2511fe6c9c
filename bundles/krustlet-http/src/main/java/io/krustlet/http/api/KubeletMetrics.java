package io.krustlet.http.api;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's own metrics for {@code /metrics}, counted from the core's pod status events: pods and
 * containers started, pod start latency (from the kubelet accepting a pod to it running, the
 * kubelet's {@code kubelet_pod_start_duration_seconds}), module resolutions and their failures,
 * and container errors by reason. Gauges are read from the current pods at scrape time.
 * Counters start at zero when this bundle starts, as Prometheus expects of a restarted target.
 */
public final class KubeletMetrics implements PodStatusListener {

    /** The kubelet's buckets for pod start duration. */
    static final double[] START_BUCKETS = {0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360,
        480, 600, 900, 1200, 1800, 2700, 3600};
    private static final Set<String> ERROR_REASONS = Set.of(Reasons.ERR_IMAGE_PULL, Reasons.IMAGE_PULL_BACK_OFF,
            Reasons.INVALID_IMAGE_NAME, Reasons.CRASH_LOOP_BACK_OFF, Reasons.CREATE_CONTAINER_CONFIG_ERROR,
            Reasons.CREATE_CONTAINER_ERROR, Reasons.RUN_CONTAINER_ERROR, Reasons.RUNTIME_UNAVAILABLE,
            Reasons.ERR_IMAGE_NEVER_PULL);

    private final KubeletPods pods;
    private final Clock clock;
    private final Set<String> startedPods = new HashSet<>();
    /** What was counted of each pod's containers, by pod uid: forgotten with the pod in one step. */
    private final Map<String, Counted> counted = new HashMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private final long[] startBuckets = new long[START_BUCKETS.length];
    private long startCount;
    private double startSum;
    private long podsStarted;
    private long containersStarted;
    private long initContainersStarted;
    private long imagesResolved;
    private long imagePullErrors;

    public KubeletMetrics(KubeletPods pods, Clock clock) {
        this.pods = pods;
        this.clock = clock;
    }

    @Override
    public synchronized void statusChanged(PodSnapshot pod) {
        var status = pod.status();
        if (status.phase() == PodPhase.Running && startedPods.add(pod.uid())) {
            podsStarted++;
            if (status.startTime() != null) {
                observeStart(Duration.between(status.startTime(), clock.instant()).toNanos() / 1e9);
            }
        }
        status.initContainerStatuses().forEach(c -> container(pod, c, true));
        status.containerStatuses().forEach(c -> container(pod, c, false));
    }

    /** A pod's container runs started and images resolved ("name/restartCount"), and each container's last error. */
    private record Counted(Set<String> started, Set<String> resolved, Map<String, String> lastError) {
        Counted() {
            this(new HashSet<>(), new HashSet<>(), new HashMap<>());
        }
    }

    private void container(PodSnapshot pod, ContainerStatus c, boolean init) {
        Counted marks = counted.computeIfAbsent(pod.uid(), uid -> new Counted());
        String key = c.name();
        String run = key + "/" + c.restartCount();
        if (c.state() instanceof ContainerState.Running && marks.started().add(run)) {
            if (init) {
                initContainersStarted++;
            } else {
                containersStarted++;
            }
        }
        if (c.imageId() != null && !c.imageId().isEmpty() && marks.resolved().add(run)) {
            imagesResolved++;
        }
        String error = errorOf(c);
        String previous = error == null ? marks.lastError().remove(key) : marks.lastError().put(key, run + "/" + error);
        if (error != null && !(run + "/" + error).equals(previous)) {
            errors.merge(error, 1L, Long::sum);
            if (error.equals(Reasons.ERR_IMAGE_PULL)) {
                imagePullErrors++;
            }
        }
    }

    /** The error a container is in, if any: a waiting reason that is a failure, or a failed exit. */
    private static String errorOf(ContainerStatus c) {
        if (c.state() instanceof ContainerState.Waiting w && w.reason() != null && ERROR_REASONS.contains(w.reason())) {
            return w.reason();
        }
        if (c.state() instanceof ContainerState.Terminated t && t.exitCode() != 0) {
            return t.reason() == null || t.reason().isEmpty() ? Reasons.ERROR : t.reason();
        }
        return null;
    }

    @Override
    public synchronized void podRemoved(PodSnapshot pod) {
        // one step per pod: a scan of every container ever counted made a node's stop quadratic
        startedPods.remove(pod.uid());
        counted.remove(pod.uid());
    }

    private void observeStart(double seconds) {
        startCount++;
        startSum += seconds;
        for (int i = 0; i < START_BUCKETS.length; i++) {
            if (seconds <= START_BUCKETS[i]) {
                startBuckets[i]++;
            }
        }
    }

    /** @param logStreams log responses being written now (follow streams stay open) */
    synchronized String text(int logStreams) {
        long runningPods = 0;
        long runningContainers = 0;
        for (PodSnapshot pod : pods.pods()) {
            long running = pod.status().containerStatuses().stream()
                    .filter(c -> c.state() instanceof ContainerState.Running).count()
                    + pod.status().initContainerStatuses().stream()
                            .filter(c -> c.state() instanceof ContainerState.Running).count();
            runningContainers += running;
            if (running > 0) {
                runningPods++;
            }
        }
        var text = new PrometheusText();
        text.family("kubelet_running_pods", "gauge", "Number of pods that have a running container");
        text.sample("kubelet_running_pods", runningPods);
        text.family("kubelet_running_containers", "gauge", "Number of containers currently running");
        text.sample("kubelet_running_containers", runningContainers, "container_state", "running");
        text.family("kubelet_started_pods_total", "counter", "Cumulative number of pods started");
        text.sample("kubelet_started_pods_total", podsStarted);
        text.family("kubelet_started_containers_total", "counter", "Cumulative number of containers started");
        text.sample("kubelet_started_containers_total", containersStarted, "container_type", "container");
        text.sample("kubelet_started_containers_total", initContainersStarted, "container_type", "init_container");
        text.family("kubelet_pod_start_duration_seconds", "histogram",
                "Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run");
        for (int i = 0; i < START_BUCKETS.length; i++) {
            text.sample("kubelet_pod_start_duration_seconds_bucket", startBuckets[i], "le",
                    PrometheusText.number(START_BUCKETS[i]));
        }
        text.sample("kubelet_pod_start_duration_seconds_bucket", startCount, "le", "+Inf");
        text.sample("kubelet_pod_start_duration_seconds_sum", startSum);
        text.sample("kubelet_pod_start_duration_seconds_count", startCount);
        text.family("krustlet_image_resolutions_total", "counter",
                "Container runs whose module was found or pulled (result=success), and pull failures"
                        + " (ErrImagePull, result=failure)");
        text.sample("krustlet_image_resolutions_total", imagesResolved, "result", "success");
        text.sample("krustlet_image_resolutions_total", imagePullErrors, "result", "failure");
        text.family("krustlet_container_errors_total", "counter",
                "Containers entering an error state (a failure waiting reason or a non-zero exit), by reason");
        errors.forEach((reason, count) -> text.sample("krustlet_container_errors_total", count, "reason", reason));
        text.family("krustlet_http_log_streams", "gauge", "Container log responses being written, follow streams included");
        text.sample("krustlet_http_log_streams", logStreams);
        ServedRequests.write(text, ContainerUsages.of(pods));
        return text.toString();
    }
}
