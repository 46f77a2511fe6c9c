package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.status.PodEvent;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recent Events of each pod, kept on the node for {@code krustlet:describe} (in standalone
 * mode there is no API server to keep them): the last {@link #PER_POD} per pod, a repeat of the
 * same type, reason, container and message folded into the previous one with a count, as the
 * API server's event aggregation does. Any thread.
 */
public final class PodEventLog implements PodEvents {

    /** How many Events a pod keeps. */
    public static final int PER_POD = 50;

    private final Clock clock;
    private final Map<String, Deque<PodEvent>> byPod = new ConcurrentHashMap<>();

    public PodEventLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void record(PodDefinition pod, String container, boolean warning, String reason, String message) {
        Deque<PodEvent> events = byPod.computeIfAbsent(pod.uid(), uid -> new ArrayDeque<>());
        var now = clock.instant();
        String type = warning ? "Warning" : "Normal";
        synchronized (events) {
            PodEvent last = events.peekLast();
            if (last != null && last.type().equals(type) && last.reason().equals(reason)
                    && Objects.equals(last.container(), container) && Objects.equals(last.message(), message)) {
                events.removeLast();
                events.addLast(new PodEvent(type, reason, container, message, last.firstTime(), now, last.count() + 1));
                return;
            }
            if (events.size() == PER_POD) {
                events.removeFirst();
            }
            events.addLast(new PodEvent(type, reason, container, message, now, now, 1));
        }
    }

    /** The pod's Events, oldest first. */
    public List<PodEvent> events(String uid) {
        Deque<PodEvent> events = byPod.get(uid);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Forgets a pod that is gone. */
    public void forget(String uid) {
        byPod.remove(uid);
    }
}
