package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.pod.InvalidPodException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.Reasons;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods the API server binds to this node, through a fabric8 informer on
 * {@code spec.nodeName=<node>}. The informer relists after a 410 Gone or a lost connection and
 * reports the differences; since workers are keyed by uid, a pod seen twice runs once, and a pod
 * deleted while the watch was down is stopped at the relist.
 *
 * <p>Deletion is the kubelet's: a pod with a deletionTimestamp is stopped within its grace
 * period, its final status is written, then the kubelet deletes the object with grace 0.
 */
final class ApiPodSource implements PodStatusListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiPodSource.class);
    static final String SOURCE = "api";

    private final KubernetesClient client;
    private final String nodeName;
    private final PodWorkers workers;
    private final PodTranslator translator;
    private final PodAdmission admission;
    private final IntSupplier activePods;
    private final PodStatusWriter statusWriter;
    private final EventRecorder events;
    private final MirrorPods mirrorPods;
    private final String nodeIP;
    private final String defaultRuntime;
    private final Map<String, PodAdmission.Requests> active = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Set<String> terminating = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<Pod> informer;

    /** @param defaultRuntime the runtime of pods without spec.runtimeClassName (for the pods it reports) */
    ApiPodSource(KubernetesClient client, String nodeName, String nodeIP, String defaultRuntime, PodWorkers workers,
            PodTranslator translator, PodAdmission admission, IntSupplier activePods, PodStatusWriter statusWriter,
            EventRecorder events, MirrorPods mirrorPods) {
        this.defaultRuntime = defaultRuntime;
        this.mirrorPods = mirrorPods;
        this.client = client;
        this.nodeName = nodeName;
        this.nodeIP = nodeIP;
        this.workers = workers;
        this.translator = translator;
        this.admission = admission;
        this.activePods = activePods;
        this.statusWriter = statusWriter;
        this.events = events;
    }

    void start() {
        informer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
        informer.exceptionHandler((started, t) -> {
            LOG.warn("Watching the pods of node {} failed: {}; retrying", nodeName, NodeHeartbeat.describe(t));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                handle(pod);
            }

            @Override
            public void onUpdate(Pod previous, Pod pod) {
                handle(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                deleted(pod);
            }
        });
        informer.start();
        LOG.info("Watching pods bound to node {}", nodeName);
    }

    /** The pod as the informer last saw it, or null; shared, so callers copy before changing it. */
    Pod cached(String namespace, String name) {
        SharedIndexInformer<Pod> current = informer;
        return current == null ? null : current.getIndexer().getByKey(namespace + "/" + name);
    }

    /** Whether the informer has listed the pods once. */
    boolean synced() {
        return informer != null && informer.hasSynced();
    }

    private synchronized void handle(Pod pod) {
        if (!nodeName.equals(pod.getSpec().getNodeName())) {
            return; // the API server filters; this guards against a proxy or server that does not
        }
        if (MirrorPods.isMirror(pod)) {
            return; // this node's own copy of a static pod
        }
        String uid = pod.getMetadata().getUid();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod);
            return;
        }
        if (active.containsKey(uid) || finished.contains(uid)) {
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (PodPhase.Succeeded.name().equals(phase) || PodPhase.Failed.name().equals(phase)) {
            finished.add(uid); // done before this node (re)started: never run again
            rememberFinished(pod);
            return;
        }
        if (workers.definitionOf(uid).isPresent()) {
            // already the node's (this source was made anew by a rejoin): admitted once, never again,
            // or a full node would reject the very pods it runs (the kubelet admits a pod only once)
            active.put(uid, PodAdmission.Requests.of(pod));
            return;
        }
        var rejection = admission.check(pod, activePods.getAsInt(), usedRequests());
        if (rejection.isPresent()) {
            reject(pod, rejection.get().reason(), rejection.get().message());
            return;
        }
        PodDefinition definition;
        try {
            definition = translator.translate(pod, SOURCE);
        } catch (InvalidPodException e) {
            reject(pod, Reasons.UNSUPPORTED_POD_SPEC, e.getMessage());
            return;
        }
        active.put(uid, PodAdmission.Requests.of(pod));
        workers.add(definition, PodStatusObjects.fromApi(pod.getStatus()));
    }

    /**
     * A pod that finished before this run of the node stays among its pods, as it was, until it is
     * deleted: {@code kubectl logs} (and --previous) of it still work after a node restart.
     */
    private void rememberFinished(Pod pod) {
        var status = PodStatusObjects.fromApi(pod.getStatus());
        if (status == null) {
            return; // never started on a node: no logs to serve
        }
        try {
            PodDefinition definition = translator.translate(pod, SOURCE);
            String runtime = definition.runtimeClassName() == null ? defaultRuntime : definition.runtimeClassName();
            workers.remember(definition, new io.krustlet.core.status.PodSnapshot(definition.namespace(),
                    definition.name(), definition.uid(), SOURCE, runtime, definition.annotations(), status));
        } catch (InvalidPodException e) {
            // refused by this node when it came: nothing of it ran here
        }
    }

    private PodAdmission.Requests usedRequests() {
        return active.values().stream().reduce(PodAdmission.Requests.NONE, PodAdmission.Requests::plus);
    }

    /** The kubelet's admission failure: the pod fails at once, with the reason in its status and an Event. */
    private void reject(Pod pod, String reason, String message) {
        String uid = pod.getMetadata().getUid();
        finished.add(uid);
        LOG.warn("Pod {}/{} rejected: {}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), reason,
                message);
        var status = pod.getStatus() == null ? new io.fabric8.kubernetes.api.model.PodStatus()
                : pod.getStatus();
        status.setPhase(PodPhase.Failed.name());
        status.setReason(reason);
        status.setMessage(message);
        status.setStartTime(status.getStartTime() == null ? PodStatusObjects.time(java.time.Instant.now())
                : status.getStartTime());
        status.setHostIP(nodeIP);
        pod.setStatus(status);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot write the rejection of pod {}/{}: {}", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), e.getMessage());
        }
        events.recordPod(pod, true, reason, message);
    }

    private void terminate(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Long podGrace = pod.getMetadata().getDeletionGracePeriodSeconds();
        Duration grace = Duration.ofSeconds(podGrace == null ? 30 : Math.max(0, podGrace));
        boolean first = terminating.add(uid);
        if (!first && podGrace != null && podGrace != 0) {
            return; // already stopping; only a shorter (force) deletion changes anything
        }
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        if (first) {
            LOG.info("Pod {}/{} is being deleted (grace period {} s)", namespace, name, grace.toSeconds());
        }
        workers.remove(uid, grace)
                .thenCompose(v -> statusWriter.flush(namespace, name))
                .whenComplete((v, e) -> {
                    if (first) {
                        active.remove(uid);
                        deleteObject(namespace, name, uid);
                    }
                });
    }

    /** The last step of a graceful deletion: the kubelet removes the object once nothing runs. */
    private void deleteObject(String namespace, String name, String uid) {
        try {
            Pod current = client.pods().inNamespace(namespace).withName(name).get();
            if (current != null && Objects.equals(uid, current.getMetadata().getUid())) {
                client.pods().inNamespace(namespace).resource(current).withGracePeriod(0).delete();
                LOG.info("Pod {}/{} deleted", namespace, name);
            }
        } catch (KubernetesClientException e) {
            // the informer shows the pod again (or its deletion) after a relist; the next update retries
            LOG.warn("Cannot delete pod {}/{}: {}", namespace, name, e.getMessage());
            terminating.remove(uid);
        }
    }

    private synchronized void deleted(Pod pod) {
        if (MirrorPods.isMirror(pod)) {
            mirrorPods.forget(pod);
            return;
        }
        String uid = pod.getMetadata().getUid();
        if (active.remove(uid) != null && !terminating.contains(uid)) {
            LOG.info("Pod {}/{} was removed from the API server; stopping it", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName());
        }
        workers.remove(uid, Duration.ZERO);
        finished.remove(uid);
        terminating.remove(uid);
    }

    /** A finished pod no longer counts against maxPods and allocatable, as in the kubelet. */
    @Override
    public void statusChanged(PodSnapshot pod) {
        if (SOURCE.equals(pod.source())
                && (pod.status().phase() == PodPhase.Succeeded || pod.status().phase() == PodPhase.Failed)) {
            if (active.remove(pod.uid()) != null) {
                finished.add(pod.uid());
            }
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
