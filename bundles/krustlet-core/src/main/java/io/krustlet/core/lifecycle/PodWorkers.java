package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.runtime.RuntimeRegistry;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod workers of the node, by pod uid. Sources (the static pod folder, later the API
 * server) tell it which pods should exist; it starts and stops workers to match.
 *
 * <p>Like the kubelet, it starts a pod only once the previous pod with the same namespace and
 * name has stopped, so a changed static pod manifest never runs two copies side by side.
 */
public final class PodWorkers implements RuntimeRegistry.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    /** Builds the worker for a pod; the core wires in launcher, timers and runtimes. */
    public interface WorkerFactory {
        /** @param prior what an earlier run of the node reported for the pod, or null */
        PodWorker create(PodDefinition pod, PodStatus prior, java.util.function.Consumer<PodSnapshot> publisher);
    }

    private final WorkerFactory factory;
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    /**
     * The workers of {@link #workers} by {@link PodDefinition#key() namespace/name} (one, but a
     * list so that two sources naming the same pod cannot corrupt it): the stats endpoints look up
     * every container's pod by name, and a scan of all workers for each made a {@code /metrics}
     * scrape take time quadratic in the node's pods. Written under this object's lock, read from
     * any thread.
     */
    private final Map<String, List<PodWorker>> byName = new ConcurrentHashMap<>();
    private final Map<String, PodWorker> stopping = new ConcurrentHashMap<>();
    private final Map<String, PodDefinition> deferred = new ConcurrentHashMap<>();
    private final Map<String, PodStatus> priors = new ConcurrentHashMap<>();
    /** Pods that finished before this run of the node and are still in the API, by uid: nothing runs. */
    private final Map<String, Finished> finished = new ConcurrentHashMap<>();

    private record Finished(PodDefinition pod, PodSnapshot snapshot) {
    }
    private final List<PodStatusListener> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<PodDefinition>> cleanups = new CopyOnWriteArrayList<>();

    public PodWorkers(WorkerFactory factory) {
        this.factory = factory;
    }

    public void addListener(PodStatusListener listener) {
        listeners.add(listener);
    }

    public void removeListener(PodStatusListener listener) {
        listeners.remove(listener);
    }

    /** Runs {@code cleanup} for each pod once it has stopped and is forgotten (its volumes, say). */
    public void onForget(java.util.function.Consumer<PodDefinition> cleanup) {
        cleanups.add(cleanup);
    }

    /**
     * Evicts every running pod for which {@code check} has a reason (the message), as the
     * kubelet's eviction manager does.
     */
    public void evictWhere(java.util.function.Function<PodDefinition, Optional<String>> check) {
        for (PodWorker worker : List.copyOf(workers.values())) {
            if (worker.isStopped()) {
                continue;
            }
            try {
                check.apply(worker.pod()).ifPresent(message -> worker.evict(message,
                        worker.pod().terminationGracePeriod()));
            } catch (RuntimeException e) {
                LOG.warn("Eviction check of pod {} failed", worker.pod().key(), e);
            }
        }
    }

    /**
     * Fails a pod the node runs, for good (see {@link PodWorker#fail}); nothing when it runs no pod
     * of that uid.
     */
    public void fail(String uid, String reason, String message) {
        PodWorker worker = workers.get(uid);
        if (worker != null && !worker.isStopped()) {
            worker.fail(reason, message, worker.pod().terminationGracePeriod());
        }
    }

    /** The pods that are active now: started, not finished, not being stopped. */
    public List<PodDefinition> active() {
        return workers.values().stream().filter(w -> !w.isStopped())
                .filter(w -> w.snapshot().status().phase() != io.krustlet.core.status.PodPhase.Succeeded
                        && w.snapshot().status().phase() != io.krustlet.core.status.PodPhase.Failed)
                .map(PodWorker::pod).toList();
    }

    /** The pod the node runs with this uid (not one being stopped). */
    public Optional<PodDefinition> definitionOf(String uid) {
        PodWorker worker = workers.get(uid);
        return worker == null ? Optional.empty() : Optional.of(worker.pod());
    }

    /**
     * Makes the pods of one source match {@code desired}: new uids start, missing ones stop,
     * unchanged ones are left alone.
     */
    public synchronized void reconcile(String source, Collection<PodDefinition> desired) {
        Set<String> wanted = new HashSet<>();
        desired.forEach(p -> wanted.add(p.uid()));
        for (PodWorker worker : List.copyOf(workers.values())) {
            if (worker.pod().source().equals(source) && !wanted.contains(worker.pod().uid())) {
                remove(worker.pod().uid(), worker.pod().terminationGracePeriod());
            }
        }
        deferred.values().removeIf(p -> p.source().equals(source) && !wanted.contains(p.uid()));
        for (PodDefinition pod : desired) {
            if (!workers.containsKey(pod.uid()) && !deferred.containsKey(pod.uid())) {
                add(pod);
            }
        }
    }

    /** Starts a pod, or queues it behind a stopping pod of the same name. */
    public synchronized void add(PodDefinition pod) {
        add(pod, null);
    }

    /**
     * Starts a pod that an earlier run of this node may have run already.
     *
     * @param prior the status that run reported, or null
     */
    public synchronized void add(PodDefinition pod, PodStatus prior) {
        if (workers.containsKey(pod.uid())) {
            return;
        }
        finished.remove(pod.uid());
        if (prior != null) {
            priors.put(pod.uid(), prior);
        }
        boolean sameNameStopping = stopping.values().stream().anyMatch(w -> w.pod().key().equals(pod.key()));
        if (sameNameStopping) {
            LOG.info("Pod {} waits for its previous instance to stop", pod.key());
            deferred.put(pod.uid(), pod);
            return;
        }
        PodWorker worker = factory.create(pod, priors.remove(pod.uid()), this::publish);
        workers.put(pod.uid(), worker);
        byName.merge(pod.key(), List.of(worker), PodWorkers::concat);
        worker.start();
    }

    /**
     * Keeps a pod that finished before this run of the node (it is still in the API, Succeeded or
     * Failed) among the node's pods, without running anything: its status and logs are served as
     * they were (the kubelet serves a finished pod's logs, --previous too, until it is deleted),
     * and {@link #remove} forgets it as any other pod, its volumes and logs with it.
     */
    public synchronized void remember(PodDefinition pod, PodSnapshot snapshot) {
        if (!workers.containsKey(pod.uid()) && !stopping.containsKey(pod.uid())) {
            finished.put(pod.uid(), new Finished(pod, snapshot));
        }
    }

    /** Stops a pod within the grace period and forgets it once stopped. */
    public synchronized CompletionStage<Void> remove(String uid, Duration gracePeriod) {
        PodWorker worker = workers.remove(uid);
        if (worker != null) {
            byName.computeIfPresent(worker.pod().key(), (key, named) -> without(named, worker));
        }
        Finished earlier = worker == null ? finished.remove(uid) : null;
        if (earlier != null) {
            forget(earlier.pod(), earlier.snapshot());
            return CompletableFuture.completedFuture(null);
        }
        if (worker == null) {
            deferred.remove(uid);
            priors.remove(uid);
            PodWorker alreadyStopping = stopping.get(uid);
            return alreadyStopping == null ? CompletableFuture.completedFuture(null)
                    : alreadyStopping.stop(gracePeriod);
        }
        stopping.put(uid, worker);
        return worker.stop(gracePeriod).thenRun(() -> forget(worker.pod(), worker.snapshot()));
    }

    private void forget(PodDefinition pod, PodSnapshot snapshot) {
        LOG.info("Pod {} stopped and removed", pod.key());
        for (var cleanup : cleanups) {
            try {
                cleanup.accept(pod);
            } catch (RuntimeException e) {
                LOG.warn("Cleaning up after pod {} failed", pod.key(), e);
            }
        }
        for (PodStatusListener l : listeners) {
            try {
                l.podRemoved(snapshot);
            } catch (Throwable e) {
                LOG.warn("Pod status listener failed", e);
            }
        }
        synchronized (this) {
            stopping.remove(pod.uid());
            // in the same critical section, so a reconcile cannot slip between and start it twice
            deferred.values().stream().filter(p -> p.key().equals(pod.key())).findFirst().ifPresent(next -> {
                deferred.remove(next.uid());
                add(next, null);
            });
        }
    }

    /** Stops every pod (node shutdown) and waits at most {@code timeout}. */
    public CompletionStage<Void> stopAll(Duration gracePeriodCap) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        synchronized (this) {
            deferred.clear();
            List<PodWorker> all = new ArrayList<>(workers.values());
            all.addAll(stopping.values());
            for (PodWorker w : all) {
                Duration grace = w.pod().terminationGracePeriod().compareTo(gracePeriodCap) < 0
                        ? w.pod().terminationGracePeriod() : gracePeriodCap;
                stops.add(w.stopForShutdown(grace).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }

    public List<PodSnapshot> snapshots() {
        List<PodSnapshot> result = new ArrayList<>();
        workers.values().forEach(w -> result.add(w.snapshot()));
        stopping.values().forEach(w -> result.add(w.snapshot()));
        finished.values().forEach(f -> result.add(f.snapshot()));
        result.sort(Comparator.comparing(PodSnapshot::namespace).thenComparing(PodSnapshot::name));
        return result;
    }

    /**
     * The pod with this namespace and name: the one the node runs, else one being stopped, else one
     * that finished before this run of the node; any thread.
     */
    public Optional<PodSnapshot> find(String namespace, String name) {
        Optional<PodWorker> running = named(namespace, name);
        if (running.isPresent()) {
            return Optional.of(running.get().snapshot());
        }
        return stopping.values().stream().map(PodWorker::snapshot)
                .filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).findFirst()
                .or(() -> finished.values().stream().map(Finished::snapshot)
                        .filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).findFirst());
    }

    /** What a container of a pod the node runs uses now (see {@link PodWorker#usage}); any thread, no scan. */
    public Optional<io.krustlet.api.ContainerUsage> usage(String namespace, String name, String container) {
        return named(namespace, name).flatMap(w -> w.usage(container));
    }

    public Optional<PodDefinition> definition(String namespace, String name) {
        return named(namespace, name).map(PodWorker::pod);
    }

    private Optional<PodWorker> named(String namespace, String name) {
        List<PodWorker> named = byName.get(namespace + "/" + name);
        return named == null ? Optional.empty() : Optional.of(named.get(0));
    }

    private static List<PodWorker> concat(List<PodWorker> named, List<PodWorker> more) {
        List<PodWorker> all = new ArrayList<>(named);
        all.addAll(more);
        return List.copyOf(all);
    }

    private static List<PodWorker> without(List<PodWorker> named, PodWorker worker) {
        List<PodWorker> rest = named.stream().filter(w -> w != worker).toList();
        return rest.isEmpty() ? null : rest;
    }

    /** How many containers of all pods run on {@code provider} now. */
    public int containersOn(io.krustlet.api.ContainerRuntime provider) {
        int count = 0;
        for (PodWorker w : workers.values()) {
            count += w.containersOn(provider);
        }
        for (PodWorker w : stopping.values()) {
            count += w.containersOn(provider);
        }
        return count;
    }

    public int size() {
        return workers.size();
    }

    @Override
    public void providerAdded(Provider provider, Optional<Provider> predecessor) {
        workers.values().forEach(w -> w.providerAdded(provider, predecessor));
    }

    @Override
    public void providerRemoving(Provider provider) {
        workers.values().forEach(w -> w.runtimeRemoving(provider));
    }

    @Override
    public void providerGone(Provider provider) {
        workers.values().forEach(w -> w.providerGone(provider));
    }

    /** RuntimeClasses changed (created, updated, deleted): pods waiting for theirs try again. */
    public void runtimeClassesChanged() {
        workers.values().forEach(PodWorker::runtimeClassesChanged);
    }

    private void publish(PodSnapshot snapshot) {
        for (PodStatusListener l : listeners) {
            try {
                l.statusChanged(snapshot);
            } catch (Throwable e) {
                LOG.warn("Pod status listener failed", e);
            }
        }
    }
}
