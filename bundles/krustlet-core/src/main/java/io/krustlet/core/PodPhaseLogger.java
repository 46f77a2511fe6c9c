package io.krustlet.core;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each pod's phase changes, the way a kubelet user follows them. Called on the pod workers'
 * threads, any number at once; does not block.
 */
final class PodPhaseLogger implements PodStatusListener {

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    private final Map<String, String> last = new ConcurrentHashMap<>();

    @Override
    public void statusChanged(PodSnapshot pod) {
        String summary = pod.status().phase() + describeWaiting(pod);
        String previous = last.put(pod.uid(), summary);
        if (!summary.equals(previous)) {
            LOG.info("Pod {} is {}", pod.key(), summary);
        }
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        last.remove(pod.uid());
    }

    private static String describeWaiting(PodSnapshot pod) {
        return pod.status().containerStatuses().stream()
                .filter(c -> c.state() instanceof ContainerState.Waiting w && w.message() != null)
                .map(c -> " (" + c.name() + ": " + c.state().summary() + ")")
                .findFirst().orElse("");
    }
}
