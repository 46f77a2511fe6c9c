package io.krustlet.shell;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodEvent;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The text of {@code krustlet:describe}, laid out as kubectl's describe prints a pod. */
final class PodDescription {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();

    private PodDescription() {
    }

    static String of(PodSnapshot pod, String node, List<PodEvent> events, Instant now) {
        var d = new PodDescription();
        PodStatus s = pod.status();
        d.field(0, "Name", pod.name());
        d.field(0, "Namespace", pod.namespace());
        d.field(0, "Node", node);
        d.field(0, "Runtime", pod.runtime());
        d.field(0, "Start Time", s.startTime() == null ? "<unset>" : TIME.format(s.startTime()));
        d.field(0, "Status", s.phase().name());
        if (s.reason() != null) {
            d.field(0, "Reason", s.reason());
        }
        if (s.message() != null) {
            d.field(0, "Message", s.message());
        }
        if (!s.initContainerStatuses().isEmpty()) {
            d.out.append("Init Containers:\n");
            s.initContainerStatuses().forEach(d::container);
        }
        d.out.append("Containers:\n");
        s.containerStatuses().forEach(d::container);
        d.out.append("Conditions:\n");
        d.out.append(String.format("  %-18s%s%n", "Type", "Status"));
        for (PodCondition c : s.conditions()) {
            d.out.append(String.format("  %-18s%s%n", c.type(), c.status() ? "True" : "False"));
        }
        d.events(events, now);
        return d.out.toString();
    }

    private void container(ContainerStatus c) {
        out.append("  ").append(c.name()).append(":\n");
        field(4, "Image", c.image());
        field(4, "Image ID", c.imageId());
        state("State", c.state());
        if (c.lastState() != null) {
            state("Last State", c.lastState());
        }
        field(4, "Ready", c.ready() ? "True" : "False");
        field(4, "Restart Count", String.valueOf(c.restartCount()));
    }

    private void state(String label, ContainerState state) {
        if (state instanceof ContainerState.Running r) {
            field(4, label, "Running");
            field(6, "Started", TIME.format(r.startedAt()));
        } else if (state instanceof ContainerState.Waiting w) {
            field(4, label, "Waiting");
            field(6, "Reason", w.reason());
            if (w.message() != null) {
                field(6, "Message", w.message());
            }
        } else if (state instanceof ContainerState.Terminated t) {
            field(4, label, "Terminated");
            field(6, "Reason", t.reason());
            if (t.message() != null && !t.message().isEmpty()) {
                field(6, "Message", t.message());
            }
            field(6, "Exit Code", String.valueOf(t.exitCode()));
            if (t.startedAt() != null) {
                field(6, "Started", TIME.format(t.startedAt()));
            }
            field(6, "Finished", TIME.format(t.finishedAt()));
        }
    }

    private void events(List<PodEvent> events, Instant now) {
        if (events.isEmpty()) {
            out.append("Events:            <none>\n");
            return;
        }
        out.append("Events:\n");
        out.append(String.format("  %-8s %-24s %-14s %-9s %s%n", "Type", "Reason", "Age", "From", "Message"));
        out.append(String.format("  %-8s %-24s %-14s %-9s %s%n", "----", "------", "----", "----", "-------"));
        for (PodEvent e : events) {
            String age = PodTable.age(e.lastTime(), now);
            if (e.count() > 1) {
                age = age + " (x" + e.count() + " over " + PodTable.age(e.firstTime(), now) + ")";
            }
            out.append(String.format("  %-8s %-24s %-14s %-9s %s%n", e.type(), e.reason(), age, "kubelet", e.message()));
        }
    }

    private void field(int indent, String name, String value) {
        int width = Math.max(name.length() + 3, 18 - indent); // at least two spaces after the colon
        out.append(" ".repeat(indent)).append(String.format("%-" + width + "s", name + ":"))
                .append(value == null || value.isEmpty() ? "<none>" : value).append('\n');
    }
}
