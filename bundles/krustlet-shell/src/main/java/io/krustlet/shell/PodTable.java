package io.krustlet.shell;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The columns of {@code kubectl get pods}, computed the way kubectl computes them. */
final class PodTable {

    private PodTable() {
    }

    static String ready(PodStatus status) {
        long ready = status.containerStatuses().stream().filter(ContainerStatus::ready).count();
        return ready + "/" + status.containerStatuses().size();
    }

    /**
     * kubectl's RESTARTS (printPod in k8s.io/kubernetes pkg/printers/internalversion): while the pod
     * initializes, the restarts of its init containers; after, those of its app containers.
     */
    static int restarts(PodStatus status) {
        List<ContainerStatus> counted = initializing(status) ? status.initContainerStatuses() : status.containerStatuses();
        return counted.stream().mapToInt(ContainerStatus::restartCount).sum();
    }

    private static boolean initializing(PodStatus status) {
        return status(status).startsWith("Init:");
    }

    /** kubectl's STATUS: init progress, then the most telling container reason, then the phase. */
    static String status(PodStatus status) {
        List<ContainerStatus> init = status.initContainerStatuses();
        for (int i = 0; i < init.size(); i++) {
            ContainerState state = init.get(i).state();
            if (state instanceof ContainerState.Terminated t && t.exitCode() == 0) {
                continue;
            }
            if (state instanceof ContainerState.Terminated t) {
                return "Init:" + (t.reason() == null || t.reason().isEmpty() ? "ExitCode:" + t.exitCode() : t.reason());
            }
            if (state instanceof ContainerState.Waiting w && w.reason() != null && !w.reason().equals(Reasons.POD_INITIALIZING)) {
                return "Init:" + w.reason();
            }
            return "Init:" + i + "/" + init.size();
        }
        String reason = status.phase().name();
        boolean running = false;
        for (ContainerStatus c : status.containerStatuses()) {
            if (c.state() instanceof ContainerState.Waiting w && w.reason() != null) {
                reason = w.reason();
            } else if (c.state() instanceof ContainerState.Terminated t) {
                reason = t.reason() != null ? t.reason() : "ExitCode:" + t.exitCode();
            } else if (c.state() instanceof ContainerState.Running) {
                running = true;
            }
        }
        if (running && reason.equals(Reasons.COMPLETED)) {
            reason = PodPhase.Running.name();
        }
        return reason;
    }

    static String age(Instant since, Instant now) {
        if (since == null) {
            return "<unknown>";
        }
        Duration d = Duration.between(since, now);
        if (d.toDays() > 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m";
        }
        return Math.max(0, d.toSeconds()) + "s";
    }

    static String row(PodSnapshot pod, Instant now) {
        PodStatus s = pod.status();
        return String.format("%-16s %-40s %-6s %-24s %-9d %s", pod.namespace(), pod.name(), ready(s), status(s),
                restarts(s), age(s.startTime(), now));
    }

    /** {@code -o wide}: the runtime the pod's containers run on, after the usual columns. */
    static String wideRow(PodSnapshot pod, Instant now) {
        return String.format("%-" + WIDE_BASE + "s %s", row(pod, now), pod.runtime());
    }

    static String wideHeader() {
        return String.format("%-" + WIDE_BASE + "s %s", header(), "RUNTIME");
    }

    /** The width of the usual columns, AGE padded, before the wide ones. */
    private static final int WIDE_BASE = 16 + 1 + 40 + 1 + 6 + 1 + 24 + 1 + 9 + 1 + 8;

    static String header() {
        return String.format("%-16s %-40s %-6s %-24s %-9s %s", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE");
    }
}
