package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * spec.activeDeadlineSeconds, as the kubelet's activeDeadlineHandler enforces it
 * (pkg/kubelet/active_deadline.go): a pod that has been active on the node for its deadline,
 * counted from its status' startTime (which a node restart keeps), is failed with reason
 * {@value #REASON} and the kubelet's message; its containers are stopped and a Normal Event says
 * why. One timer per active pod with a deadline, set when the pod first reports a startTime and
 * dropped when it finishes or goes; static pods (standalone too) and API pods alike.
 *
 * <p>A {@link PodStatusListener} of the pod workers; called from their threads, thread-safe.
 */
public final class ActiveDeadlines implements PodStatusListener {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveDeadlines.class);
    public static final String REASON = io.krustlet.core.status.Reasons.DEADLINE_EXCEEDED;
    public static final String MESSAGE = "Pod was active on the node longer than the specified deadline";

    private final PodWorkers workers;
    private final Timers timers;
    private final Map<String, Timers.Cancellable> deadlines = new ConcurrentHashMap<>();

    public ActiveDeadlines(PodWorkers workers, Timers timers) {
        this.workers = workers;
        this.timers = timers;
    }

    @Override
    public void statusChanged(PodSnapshot pod) {
        PodPhase phase = pod.status().phase();
        if (phase == PodPhase.Succeeded || phase == PodPhase.Failed) {
            cancel(pod.uid());
            return;
        }
        Instant startTime = pod.status().startTime();
        if (startTime == null || deadlines.containsKey(pod.uid())) {
            return;
        }
        PodDefinition definition = workers.definitionOf(pod.uid()).orElse(null);
        if (definition == null || definition.activeDeadline() == null) {
            return;
        }
        Duration left = Duration.between(timers.now(), startTime.plus(definition.activeDeadline()));
        Timers.Cancellable timer = timers.schedule(left.isNegative() ? Duration.ZERO : left, () -> expire(pod));
        if (deadlines.putIfAbsent(pod.uid(), timer) != null) {
            timer.cancel(); // another status of the pod got there first
        } else {
            LOG.debug("Pod {} may be active until {} (activeDeadlineSeconds {})", pod.key(),
                    startTime.plus(definition.activeDeadline()), definition.activeDeadline().toSeconds());
        }
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        cancel(pod.uid());
    }

    private void expire(PodSnapshot pod) {
        deadlines.remove(pod.uid());
        workers.fail(pod.uid(), REASON, MESSAGE);
    }

    private void cancel(String uid) {
        Timers.Cancellable timer = deadlines.remove(uid);
        if (timer != null) {
            timer.cancel();
        }
    }
}
