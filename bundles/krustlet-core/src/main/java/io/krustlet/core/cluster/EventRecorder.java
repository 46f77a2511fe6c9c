package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krustlet.core.lifecycle.PodEvents;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events the way the kubelet's recorder does: an event repeated within ten
 * minutes bumps the count and lastTimestamp of the one already there, and each object gets a
 * burst of 25 events, then one per five minutes, so a crash-looping pod cannot flood the API.
 */
final class EventRecorder implements PodEvents {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    static final int BURST = 25;
    static final Duration REFILL = Duration.ofMinutes(5);
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    private static final int CACHE_SIZE = 4096;

    private final KubernetesClient client;
    private final String nodeName;
    private final Executor executor;
    private final Clock clock;
    private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong sequence = new AtomicLong();

    /** An event already in the API server, for aggregation. */
    private record Recorded(String namespace, String name, int count, Instant last) {
    }

    EventRecorder(KubernetesClient client, String nodeName, Executor executor, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public void record(PodDefinition pod, String container, boolean warning, String reason, String message) {
        ObjectReferenceBuilder ref = new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.namespace()).withName(pod.name()).withUid(pod.uid());
        if (container != null) {
            boolean init = pod.initContainers().stream().anyMatch(c -> c.name().equals(container));
            ref.withFieldPath((init ? "spec.initContainers{" : "spec.containers{") + container + "}");
        }
        submit(ref.build(), warning, reason, message);
    }

    /** An event about a pod that has no worker (one refused at admission). */
    void recordPod(io.fabric8.kubernetes.api.model.Pod pod, boolean warning, String reason, String message) {
        submit(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).build(), warning, reason, message);
    }

    /** An event about the Node itself (Starting, NodeReady, ...). */
    void recordNode(boolean warning, String reason, String message) {
        submit(new ObjectReferenceBuilder().withKind("Node").withName(nodeName).withUid(nodeName)
                .withNamespace("default").build(), warning, reason, message);
    }

    private void submit(ObjectReference ref, boolean warning, String reason, String message) {
        String bucketKey = ref.getKind() + "/" + ref.getNamespace() + "/" + ref.getName() + "/" + ref.getUid();
        Instant now = clock.instant();
        synchronized (buckets) {
            TokenBucket bucket = buckets.computeIfAbsent(bucketKey, k -> new TokenBucket(now));
            if (!bucket.take(now)) {
                LOG.debug("Event {} {} for {} dropped: rate limit", reason, message, bucketKey);
                return;
            }
            trim(buckets);
        }
        try {
            executor.execute(() -> send(ref, warning ? "Warning" : "Normal", reason, message, now));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Event {} not recorded: the node is shutting down", reason);
        }
    }

    private void send(ObjectReference ref, String type, String reason, String message, Instant now) {
        String key = ref.getUid() + "|" + ref.getFieldPath() + "|" + type + "|" + reason + "|" + message;
        String namespace = ref.getNamespace();
        try {
            Recorded previous;
            synchronized (recent) {
                previous = recent.get(key);
            }
            if (previous != null && Duration.between(previous.last(), now).compareTo(AGGREGATION_WINDOW) < 0
                    && bump(previous, now)) {
                synchronized (recent) {
                    recent.put(key, new Recorded(namespace, previous.name(), previous.count() + 1, now));
                }
                return;
            }
            String name = ref.getName() + "." + Long.toHexString(now.toEpochMilli() * 1000 + sequence.incrementAndGet() % 1000);
            String time = PodStatusObjects.time(now);
            Event event = new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withInvolvedObject(ref)
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                    .withReportingComponent("kubelet").withReportingInstance(nodeName)
                    .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                    .build();
            client.v1().events().inNamespace(namespace).resource(event).create();
            synchronized (recent) {
                recent.put(key, new Recorded(namespace, name, 1, now));
                trim(recent);
            }
        } catch (KubernetesClientException e) {
            // events are best effort, as in the kubelet: a lost event must never hold up a pod
            LOG.debug("Cannot record event {} for {}/{}: {}", reason, namespace, ref.getName(), e.getMessage());
        }
    }

    /** @return false when the aggregated event is gone (expired by the API server): a new one is made */
    private boolean bump(Recorded previous, Instant now) {
        try {
            Event updated = client.v1().events().inNamespace(previous.namespace()).withName(previous.name())
                    .edit(e -> {
                        e.setCount(previous.count() + 1);
                        e.setLastTimestamp(PodStatusObjects.time(now));
                        return e;
                    });
            return updated != null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static void trim(Map<String, ?> map) {
        Iterator<String> it = map.keySet().iterator();
        while (map.size() > CACHE_SIZE && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** client-go's spam filter: a burst, then one token per refill interval. */
    private static final class TokenBucket {
        private double tokens = BURST;
        private Instant last;

        TokenBucket(Instant now) {
            this.last = now;
        }

        boolean take(Instant now) {
            double refill = (double) Duration.between(last, now).toMillis() / REFILL.toMillis();
            tokens = Math.min(BURST, tokens + Math.max(0, refill));
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
