package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod status to the API server through the status subresource. Only the latest status of
 * a pod is kept while a write is pending, so a burst of changes costs one write; a 409 is retried
 * on a fresh object, an unreachable API server with back-off, and nothing is lost meanwhile.
 */
final class PodStatusWriter implements PodStatusListener {

    private static final Logger LOG = LoggerFactory.getLogger(PodStatusWriter.class);
    private static final int CONFLICT_RETRIES = 5;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** Which API pod a snapshot's status belongs to: itself, or a static pod's mirror pod. */
    interface Target {
        /** @return whether {@code apiPod} is the object to write {@code snapshot}'s status to */
        boolean accepts(PodSnapshot snapshot, Pod apiPod);
    }

    private final KubernetesClient client;
    private final String nodeIP;
    private final ScheduledExecutorService executor;
    private final Target target;
    private final java.util.function.BiFunction<String, String, Pod> cache;
    private final Map<String, PodSnapshot> pending = new LinkedHashMap<>();
    private final Map<String, PodStatus> written = new ConcurrentHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Duration retryDelay = FIRST_RETRY;

    /**
     * @param cache the pod as the node's informer last saw it (namespace, name), or null: most
     *     writes then need no GET first; a stale copy costs a 409 and a GET
     */
    PodStatusWriter(KubernetesClient client, String nodeIP, ScheduledExecutorService executor, Target target,
            java.util.function.BiFunction<String, String, Pod> cache) {
        this.cache = cache;
        this.client = client;
        this.nodeIP = nodeIP;
        this.executor = executor;
        this.target = target;
    }

    @Override
    public void statusChanged(PodSnapshot pod) {
        synchronized (pending) {
            pending.put(pod.key(), pod);
        }
        kick();
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        written.remove(pod.uid());
    }

    /**
     * Writes the pod's status even if it did not change (its object was made anew); a newer
     * status already waiting to be written wins over {@code pod}.
     */
    void rewrite(PodSnapshot pod) {
        written.remove(pod.uid());
        synchronized (pending) {
            pending.putIfAbsent(pod.key(), pod);
        }
        kick();
    }

    /** Completes once the pod's latest status has been written (or could not be, for now). */
    CompletableFuture<Void> flush(String namespace, String name) {
        return CompletableFuture.runAsync(() -> {
            PodSnapshot snapshot;
            synchronized (pending) {
                snapshot = pending.remove(namespace + "/" + name);
            }
            if (snapshot != null && !write(snapshot)) {
                requeue(snapshot);
            }
        }, executor);
    }

    /** Writes everything still pending, for a node that shuts down; gives up after {@code timeout}. */
    void flushAll(Duration timeout) {
        try {
            CompletableFuture.runAsync(this::drainOnce, executor).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Could not write the last pod statuses before shutdown: {}", NodeHeartbeat.describe(e));
        }
    }

    private void kick() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                draining.set(false);
            }
        }
    }

    private void drain() {
        boolean ok = drainOnce();
        draining.set(false);
        if (!ok) {
            Duration delay = retryDelay;
            retryDelay = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
            try {
                executor.schedule(this::kick, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
            return;
        }
        retryDelay = FIRST_RETRY;
        boolean more;
        synchronized (pending) {
            more = !pending.isEmpty();
        }
        if (more) {
            kick();
        }
    }

    /** @return false when the API server could not be reached (the rest stays pending) */
    private boolean drainOnce() {
        while (true) {
            PodSnapshot next;
            synchronized (pending) {
                var it = pending.values().iterator();
                if (!it.hasNext()) {
                    return true;
                }
                next = it.next();
                it.remove();
            }
            if (!write(next)) {
                requeue(next);
                return false;
            }
        }
    }

    private void requeue(PodSnapshot snapshot) {
        synchronized (pending) {
            pending.putIfAbsent(snapshot.key(), snapshot); // a newer status that came meanwhile wins
        }
    }

    private Pod cached(PodSnapshot snapshot) {
        Pod pod = cache.apply(snapshot.namespace(), snapshot.name());
        // a copy: the informer's objects are shared and must never change under it
        return pod == null ? null : new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
    }

    /** @return false on a failure worth retrying later */
    private boolean write(PodSnapshot snapshot) {
        if (snapshot.status().equals(written.get(snapshot.uid()))) {
            return true;
        }
        try {
            for (int attempt = 1; ; attempt++) {
                Pod current = attempt == 1 ? cached(snapshot) : null;
                if (current == null) {
                    current = client.pods().inNamespace(snapshot.namespace()).withName(snapshot.name()).get();
                }
                if (current == null || !target.accepts(snapshot, current)) {
                    return true; // deleted, or replaced by another pod of that name: nothing to report to
                }
                current.setStatus(StatusConverter.toApi(snapshot.status(), current.getStatus(), nodeIP));
                try {
                    client.pods().inNamespace(snapshot.namespace()).resource(current).updateStatus();
                    written.put(snapshot.uid(), snapshot.status());
                    return true;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                        return true;
                    }
                    if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
                        throw e;
                    }
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429 && e.getCode() != 409) {
                LOG.warn("API server refused the status of pod {}: {}", snapshot.key(), e.getMessage());
                return true; // retrying the same request would only be refused again
            }
            LOG.debug("Cannot write the status of pod {} yet: {}", snapshot.key(), NodeHeartbeat.describe(e));
            return false;
        }
    }

}
