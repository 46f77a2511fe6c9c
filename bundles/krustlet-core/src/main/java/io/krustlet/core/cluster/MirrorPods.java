package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirror pods: the API server's read-only copies of this node's static pods, so {@code kubectl
 * get pods} shows them, as the kubelet does. A mirror pod carries the annotation
 * {@code kubernetes.io/config.mirror} with the static pod's hash; one deleted by a user comes
 * back, one left over from an edited or removed manifest goes.
 */
final class MirrorPods implements PodStatusListener {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorPods.class);
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    private static final String FILE_SOURCE = "file";

    private final KubernetesClient client;
    private final Function<String, Optional<Pod>> manifests;
    private final Executor executor;
    private final String nodeName;
    private final Set<String> mirrored = ConcurrentHashMap.newKeySet();
    private final java.util.function.Consumer<PodSnapshot> created;
    private volatile String nodeUid;

    /**
     * @param manifests the static pod's manifest by uid
     * @param executor where API calls run (never on a pod worker's thread); the status writer's, so a
     *     mirror exists before its first status is written
     * @param created told about each mirror made, so its status is written again
     */
    MirrorPods(KubernetesClient client, String nodeName, Function<String, Optional<Pod>> manifests, Executor executor,
            java.util.function.Consumer<PodSnapshot> created) {
        this.client = client;
        this.created = created;
        this.nodeName = nodeName;
        this.manifests = manifests;
        this.executor = executor;
    }

    static boolean isMirror(Pod pod) {
        return pod.getMetadata().getAnnotations() != null
                && pod.getMetadata().getAnnotations().containsKey(MIRROR_ANNOTATION);
    }

    /** Whether {@code apiPod} is the mirror of the static pod {@code snapshot}. */
    static boolean mirrors(PodSnapshot snapshot, Pod apiPod) {
        return isMirror(apiPod) && snapshot.uid().equals(apiPod.getMetadata().getAnnotations().get(MIRROR_ANNOTATION));
    }

    @Override
    public void statusChanged(PodSnapshot pod) {
        if (FILE_SOURCE.equals(pod.source()) && !mirrored.contains(pod.uid())) {
            executor.execute(() -> ensure(pod));
        }
    }

    @Override
    public void podRemoved(PodSnapshot pod) {
        if (FILE_SOURCE.equals(pod.source())) {
            mirrored.remove(pod.uid());
            executor.execute(() -> delete(pod));
        }
    }

    /** A mirror deleted behind the node's back is made again at the next status change. */
    void forget(Pod mirror) {
        if (isMirror(mirror)) {
            mirrored.remove(mirror.getMetadata().getAnnotations().get(MIRROR_ANNOTATION));
        }
    }

    private void ensure(PodSnapshot snapshot) {
        Optional<Pod> manifest = manifests.apply(snapshot.uid());
        if (manifest.isEmpty()) {
            return;
        }
        try {
            var pods = client.pods().inNamespace(snapshot.namespace());
            Pod existing = pods.withName(snapshot.name()).get();
            if (existing != null && mirrors(snapshot, existing)) {
                mirrored.add(snapshot.uid());
                return;
            }
            if (existing != null) {
                if (!isMirror(existing)) {
                    LOG.warn("Static pod {} cannot be mirrored: a pod of that name exists in the API server",
                            snapshot.key());
                    mirrored.add(snapshot.uid());
                    return;
                }
                pods.resource(existing).withGracePeriod(0).delete(); // the mirror of an earlier version
            }
            pods.resource(mirrorOf(manifest.get(), snapshot.uid())).create();
            mirrored.add(snapshot.uid());
            LOG.info("Created mirror pod {}", snapshot.key());
            created.accept(snapshot);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                LOG.debug("Cannot mirror static pod {} yet: {}", snapshot.key(), e.getMessage());
            }
        }
    }

    private Pod mirrorOf(Pod manifest, String uid) {
        var meta = manifest.getMetadata();
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of()
                : meta.getAnnotations());
        annotations.put(MIRROR_ANNOTATION, uid);
        meta.setAnnotations(annotations);
        meta.setUid(null);
        meta.setResourceVersion(null);
        String owner = nodeUid();
        if (owner != null) {
            // as the kubelet does: the mirror goes when its Node goes
            meta.setOwnerReferences(java.util.List.of(new OwnerReferenceBuilder().withApiVersion("v1")
                    .withKind("Node").withName(nodeName).withUid(owner).withController(true).build()));
        }
        manifest.setStatus(null);
        return manifest;
    }

    private String nodeUid() {
        if (nodeUid == null) {
            var node = client.nodes().withName(nodeName).get();
            nodeUid = node == null ? null : node.getMetadata().getUid();
        }
        return nodeUid;
    }

    private void delete(PodSnapshot snapshot) {
        try {
            Pod existing = client.pods().inNamespace(snapshot.namespace()).withName(snapshot.name()).get();
            if (existing != null && mirrors(snapshot, existing)) {
                client.pods().inNamespace(snapshot.namespace()).resource(existing).withGracePeriod(0).delete();
                LOG.info("Deleted mirror pod {}", snapshot.key());
            }
        } catch (KubernetesClientException e) {
            LOG.debug("Cannot delete mirror pod {}: {}", snapshot.key(), e.getMessage());
        }
    }
}
