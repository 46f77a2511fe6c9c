package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod status to the API server through the status subresource, several pods at a time:
 * up to {@code maxInFlight} writes are in flight, each for a different pod, so one slow write
 * (the API server waits for etcd) does not hold up every other pod's. A pod's writes stay in
 * order (its next write starts only once the previous one is answered) and only its latest status
 * is kept while it waits, so a burst of changes costs one write. A 409 is retried on a fresh
 * object; when the API server cannot be reached, writing pauses with back-off and nothing is
 * lost meanwhile. A new pod's first status, while it is Pending, waits a moment
 * ({@code firstWriteHold}) before it is written: a module usually starts within it, and then its
 * Running (or finished) status is the first and only write, one write instead of two per pod.
 *
 * <p>Thread-safe: listeners call in from pod workers; writes run on the writer executor; the
 * scheduler only times the back-off.
 */
final class PodStatusWriter implements PodStatusListener {

    private static final Logger LOG = LoggerFactory.getLogger(PodStatusWriter.class);
    /** Status writes in flight at once, for different pods. */
    static final int MAX_IN_FLIGHT = 8;
    /** How long a new pod's first, Pending status waits for a newer one (a module starts in tens of ms). */
    static final Duration FIRST_WRITE_HOLD = Duration.ofMillis(100);
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
    private final ScheduledExecutorService scheduler;
    private final Executor writers;
    private final int maxInFlight;
    private final long firstWriteHoldNanos;
    private final Target target;
    private final java.util.function.BiFunction<String, String, Pod> cache;
    private final Map<String, PodStatus> written = new ConcurrentHashMap<>();
    /**
     * The pod as the API server answered our last status write, by uid: the next write of that pod
     * starts from it, since the informer's copy lags behind our own write (its resourceVersion
     * would cost a 409 and a GET). Someone else's write since then costs the same; no more.
     */
    private final Map<String, Pod> answered = new ConcurrentHashMap<>();
    /** The latest status of every pod, by uid, for {@link #rewrite}. */
    private final Map<String, PodSnapshot> latest = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    /** The latest status of each pod that waits for a write, by pod key, oldest first. Under {@link #lock}. */
    private final LinkedHashMap<String, PodSnapshot> pending = new LinkedHashMap<>();
    /** Pods with a write in flight. Under {@link #lock}. */
    private final Set<String> inFlight = new HashSet<>();
    /** Pods someone waits for (a deletion, a shutdown): written first, even while paused. Under {@link #lock}. */
    private final Set<String> urgent = new LinkedHashSet<>();
    /** New pods whose first (Pending) status waits until this System.nanoTime(), by key. Under {@link #lock}. */
    private final Map<String, Long> held = new HashMap<>();
    private final Map<String, List<CompletableFuture<Void>>> waiters = new HashMap<>();
    private boolean paused;
    private long failures;
    private Duration retryDelay = FIRST_RETRY;

    /**
     * One write at a time, on {@code executor}.
     *
     * @param cache the pod as the node's informer last saw it (namespace, name), or null: most
     *     writes then need no GET first; a stale copy costs a 409 and a GET
     */
    PodStatusWriter(KubernetesClient client, String nodeIP, ScheduledExecutorService executor, Target target,
            java.util.function.BiFunction<String, String, Pod> cache) {
        this(client, nodeIP, executor, executor, 1, Duration.ZERO, target, cache);
    }

    /**
     * @param scheduler times the back-off while the API server cannot be reached
     * @param writers runs the writes; they block on the API server, so it should have
     *     {@code maxInFlight} threads
     * @param maxInFlight the most writes in flight at once (each for another pod)
     * @param firstWriteHold how long a new pod's first status waits while it is Pending, for a
     *     newer one to take its place (zero: written at once)
     * @param cache the pod as the node's informer last saw it (namespace, name), or null
     */
    PodStatusWriter(KubernetesClient client, String nodeIP, ScheduledExecutorService scheduler, Executor writers,
            int maxInFlight, Duration firstWriteHold, Target target,
            java.util.function.BiFunction<String, String, Pod> cache) {
        this.firstWriteHoldNanos = firstWriteHold.toNanos();
        this.client = client;
        this.nodeIP = nodeIP;
        this.scheduler = scheduler;
        this.writers = writers;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.target = target;
        this.cache = cache;
    }

    @Override
    public void statusChanged(PodSnapshot pod) {
        latest.put(pod.uid(), pod);
        synchronized (lock) {
            boolean first = !pending.containsKey(pod.key()) && !inFlight.contains(pod.key())
                    && !written.containsKey(pod.uid());
            pending.put(pod.key(), pod);
            if (first && firstWriteHoldNanos > 0 && pod.status().phase() == io.krustlet.core.status.PodPhase.Pending) {
                held.put(pod.key(), System.nanoTime() + firstWriteHoldNanos);
                try {
                    scheduler.schedule(this::resume, firstWriteHoldNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    held.remove(pod.key()); // shutting down: no timer will come
                }
            } else {
                held.remove(pod.key()); // a newer status: no reason to wait any more
            }
            dispatch();
        }
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        written.remove(pod.uid());
        answered.remove(pod.uid());
        latest.remove(pod.uid());
    }

    /**
     * Writes the pod's latest status even if it did not change (its object was made anew, a
     * mirror pod say, whose earlier writes found nothing to write to); a newer status than
     * {@code pod} wins.
     */
    void rewrite(PodSnapshot pod) {
        written.remove(pod.uid());
        answered.remove(pod.uid());
        PodSnapshot newest = latest.getOrDefault(pod.uid(), pod);
        synchronized (lock) {
            pending.putIfAbsent(newest.key(), newest);
            held.remove(newest.key());
            dispatch();
        }
    }

    /**
     * Completes once the pod's latest status has been written, or a write of it failed (the API
     * server is away: it stays pending and is written later). Its write goes first, even while
     * writing is paused by the back-off.
     */
    CompletableFuture<Void> flush(String namespace, String name) {
        String key = namespace + "/" + name;
        synchronized (lock) {
            if (!pending.containsKey(key) && !inFlight.contains(key)) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(done);
            if (pending.containsKey(key)) {
                urgent.add(key);
            }
            dispatch();
            return done;
        }
    }

    /**
     * Writes everything still pending, for a node that shuts down; returns when all is written,
     * when a write fails (the API server is away) or after {@code timeout}.
     */
    void flushAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            long failuresBefore = failures;
            urgent.addAll(pending.keySet());
            dispatch();
            while ((!pending.isEmpty() || !inFlight.isEmpty()) && failures == failuresBefore) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Could not write the last pod statuses before shutdown within {} s ({} left)",
                            timeout.toSeconds(), pending.size() + inFlight.size());
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (failures != failuresBefore) {
                LOG.warn("Could not write the last pod statuses before shutdown: the API server cannot be reached");
            }
        }
    }

    /**
     * Writes again what another writer changed behind the node's back: every pod whose phase or
     * readiness (Ready, ContainersReady) in the node's informer differs from what the node wrote
     * last. The node lifecycle controller marks a node's pods not ready when it stops hearing from
     * the node; the kubelet's status manager reconciles such differences every 10 s (syncBatch,
     * needsReconcile). A pod with a write pending or in flight is left alone: its write is coming.
     */
    void reconcile() {
        for (var entry : written.entrySet()) {
            PodSnapshot snapshot = latest.get(entry.getKey());
            if (snapshot == null) {
                continue;
            }
            synchronized (lock) {
                if (pending.containsKey(snapshot.key()) || inFlight.contains(snapshot.key())) {
                    continue;
                }
            }
            Pod inApi = cache.apply(snapshot.namespace(), snapshot.name());
            if (inApi == null || inApi.getStatus() == null || !target.accepts(snapshot, inApi)) {
                continue;
            }
            if (!sameNews(entry.getValue(), inApi.getStatus())) {
                LOG.info("The status of pod {} was changed by someone else ({}); writing the node's again",
                        snapshot.key(), readiness(inApi.getStatus()));
                rewrite(latest.getOrDefault(snapshot.uid(), snapshot));
            }
        }
    }

    private static boolean sameNews(PodStatus ours, io.fabric8.kubernetes.api.model.PodStatus inApi) {
        if (!ours.phase().name().equals(inApi.getPhase())) {
            return false;
        }
        for (String type : List.of(io.krustlet.core.status.PodCondition.READY,
                io.krustlet.core.status.PodCondition.CONTAINERS_READY)) {
            var mine = ours.condition(type);
            String theirs = inApi.getConditions() == null ? null : inApi.getConditions().stream()
                    .filter(c -> type.equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse(null);
            if (mine.isPresent() && !(mine.get().status() ? "True" : "False").equals(theirs)) {
                return false;
            }
        }
        return true;
    }

    private static String readiness(io.fabric8.kubernetes.api.model.PodStatus status) {
        return "phase " + status.getPhase() + (status.getConditions() == null ? "" : ", " + status.getConditions()
                .stream().map(c -> c.getType() + "=" + c.getStatus() + (c.getReason() == null ? "" : " (" + c.getReason()
                        + ")")).toList());
    }

    /** Starts writes while there is room: urgent pods first, then the oldest waiting. Under {@link #lock}. */
    private void dispatch() {
        while (inFlight.size() < maxInFlight) {
            String key = next();
            if (key == null) {
                return;
            }
            PodSnapshot snapshot = pending.remove(key);
            urgent.remove(key);
            held.remove(key);
            inFlight.add(key);
            try {
                writers.execute(() -> writeAndContinue(key, snapshot));
            } catch (RejectedExecutionException e) {
                // shutting down: nothing will write it any more
                inFlight.remove(key);
                pending.putIfAbsent(key, snapshot);
                takeWaiters(key).forEach(f -> f.complete(null)); // (shutting down: nothing else writes)
                return;
            }
        }
    }

    private String next() {
        for (String key : urgent) {
            if (pending.containsKey(key) && !inFlight.contains(key)) {
                return key;
            }
        }
        if (paused) {
            return null;
        }
        long now = System.nanoTime();
        for (String key : pending.keySet()) {
            Long until = held.get(key);
            if (!inFlight.contains(key) && (until == null || until - now <= 0)) {
                return key;
            }
        }
        return null;
    }

    private void writeAndContinue(String key, PodSnapshot snapshot) {
        boolean ok;
        try {
            ok = write(snapshot);
        } catch (RuntimeException e) {
            LOG.warn("Writing the status of pod {} failed unexpectedly", key, e);
            ok = false;
        }
        List<CompletableFuture<Void>> done = List.of();
        synchronized (lock) {
            inFlight.remove(key);
            if (ok) {
                retryDelay = FIRST_RETRY;
                if (!pending.containsKey(key)) {
                    done = takeWaiters(key);
                }
            } else {
                failures++;
                pending.putIfAbsent(key, snapshot); // a newer status that came meanwhile wins
                done = takeWaiters(key);
                pause();
            }
            lock.notifyAll();
            dispatch();
        }
        // outside the lock: what waits (a deletion's last steps) may call the API server itself
        done.forEach(f -> f.complete(null));
    }

    private List<CompletableFuture<Void>> takeWaiters(String key) {
        List<CompletableFuture<Void>> done = waiters.remove(key);
        return done == null ? List.of() : done;
    }

    /** The API server cannot be reached: no new writes until the back-off has passed. Under {@link #lock}. */
    private void pause() {
        if (paused) {
            return;
        }
        paused = true;
        Duration delay = retryDelay;
        retryDelay = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
        try {
            scheduler.schedule(this::resume, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void resume() {
        synchronized (lock) {
            paused = false;
            dispatch();
        }
    }

    private Pod cached(PodSnapshot snapshot) {
        Pod own = answered.remove(snapshot.uid());
        if (own != null) {
            return own; // our own last answer: nobody else holds it (a pod's writes never overlap)
        }
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
                current.setStatus(PodStatusObjects.toApi(snapshot.status(), current.getStatus(), nodeIP));
                try {
                    Pod result = client.pods().inNamespace(snapshot.namespace()).resource(current).updateStatus();
                    written.put(snapshot.uid(), snapshot.status());
                    if (result != null) {
                        answered.put(snapshot.uid(), result);
                    }
                    return true;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                        return true;
                    }
                    if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
                        throw e;
                    }
                    answered.remove(snapshot.uid());
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
